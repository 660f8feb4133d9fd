/**
 * The dashboard's CSRF defence, three checks for every POST:
 * 1. the browser's own word: `Sec-Fetch-Site` (when sent) must be
 *    `same-origin`, and `Origin` (when sent) must be the dashboard's origin;
 * 2. a double-submit cookie: a random value set on the first page, sent back
 *    by the browser with the form;
 * 3. a token bound to that cookie: the form carries HMAC-SHA-256(secret,
 *    cookie), which only a page of this dashboard (holding the secret) can
 *    have written, compared in constant time.
 *
 * @module
 */

import { sameText } from "./constant_time.ts";

/** The name of the double-submit cookie. */
export const CSRF_COOKIE = "repid_dashboard_csrf";
/** The name of the form field holding the token. */
export const CSRF_FIELD = "_csrf";

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A random value, base64url, of `size` bytes. */
export function randomToken(size = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(size)));
}

/** Reads one cookie of a `Cookie` header; `undefined` when absent. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Signs and checks tokens with one dashboard's secret. */
export class CsrfTokens {
  readonly #sign: (data: Uint8Array<ArrayBuffer>) => Promise<ArrayBuffer>;

  /** @param secret The dashboard's secret (random per dashboard unless given). */
  constructor(secret: string) {
    const key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    this.#sign = async (data) => crypto.subtle.sign("HMAC", await key, data);
  }

  /** The token a page of this dashboard writes for the browser holding `cookie`. */
  async token(cookie: string): Promise<string> {
    const mac = await this.#sign(encoder.encode(cookie));
    return base64url(new Uint8Array(mac));
  }

  /** Whether `token` is the one for `cookie`. */
  async verify(cookie: string | undefined, token: string | null): Promise<boolean> {
    if (!cookie || !token || cookie.length < 16) return false;
    return sameText(await this.token(cookie), token);
  }
}

/**
 * Why the browser's headers show `request` as a cross-site request, or
 * `undefined` when they do not (old browsers send neither header; the token
 * still guards them).
 */
export function crossSiteReason(request: Request): string | undefined {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return `Sec-Fetch-Site is ${site}`;
  const origin = request.headers.get("origin");
  if (origin === null) return undefined;
  const url = new URL(request.url);
  const host = request.headers.get("host") ?? url.host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `Origin ${origin} is not a URL`;
  }
  return originHost === host ? undefined : `Origin ${origin} is not this dashboard's`;
}
