/**
 * The dashboard's responses, each with the same security headers: a strict
 * Content-Security-Policy (scripts, styles and fetches from the dashboard
 * only, no inline script, no other origin, no framing), no MIME sniffing,
 * no referrer to other sites, no caching of pages.
 *
 * @module
 */

import { markup } from "./html.ts";

/** The Content-Security-Policy of every response. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** Headers added to every response. */
export function securityHeaders(): Headers {
  return new Headers({
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
  });
}

/** A response with the security headers (and `no-store` unless `cache` says otherwise). */
export function respond(
  body: string | null,
  status: number,
  type: string,
  extra: Record<string, string> = {},
): Response {
  const headers = securityHeaders();
  headers.set("cache-control", "no-store");
  if (body !== null) headers.set("content-type", type);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  return new Response(body, { status, headers });
}

/** A JSON response. */
export function json(value: unknown, status = 200): Response {
  return respond(JSON.stringify(value), status, "application/json; charset=utf-8");
}

/** A small HTML page for an error status, with `message` as text. */
export function errorPage(status: number, title: string, message: string): Response {
  const body = markup`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <title>${status} ${title}</title>
      </head>
      <body>
        <h1>${status} ${title}</h1>
        <p>${message}</p>
      </body>
    </html>
  `;
  return respond(body.value, status, "text/html; charset=utf-8");
}

/** A `303 See Other` to `location`. */
export function redirect(location: string, extra: Record<string, string> = {}): Response {
  return respond(null, 303, "", { location, ...extra });
}
