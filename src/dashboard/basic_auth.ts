/**
 * HTTP basic authentication for the dashboard's `authorize` option (the
 * standalone command takes its credentials from an environment variable).
 *
 * @module
 */

import { sameText } from "./constant_time.ts";

/**
 * An `authorize` function that lets through requests carrying the basic
 * auth `credentials` (`"user:password"`) and answers others with 401 and a
 * `WWW-Authenticate` challenge. Use it over HTTPS only.
 *
 * @throws {TypeError} When `credentials` is not `user:password`.
 *
 * @example
 * ```ts
 * import { Repid } from "@repid/repid";
 * import { basicAuth, dashboard } from "@repid/repid/dashboard";
 *
 * const producer = new Repid("memory://");
 * const handler = dashboard({ producer, authorize: basicAuth("admin:s3cret") });
 * const anonymous = await handler(new Request("http://localhost/"));
 * console.log(anonymous.status); // 401
 * const admin = await handler(
 *   new Request("http://localhost/", { headers: { authorization: `Basic ${btoa("admin:s3cret")}` } }),
 * );
 * console.log(admin.status); // 200
 * await producer.close();
 * ```
 */
export function basicAuth(
  credentials: string,
  realm = "Repid dashboard",
): (request: Request) => true | Response {
  if (typeof credentials !== "string" || !/^[^:]+:.+$/.test(credentials)) {
    throw new TypeError(
      `Cannot set up basic auth: credentials must be "user:password", got ${
        typeof credentials === "string" ? `a string without both parts` : typeof credentials
      }`,
    );
  }
  const expected = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(credentials)))}`;
  return (request) => {
    const given = request.headers.get("authorization") ?? "";
    if (sameText(given, expected)) return true;
    return new Response("Authentication required.", {
      status: 401,
      headers: {
        "www-authenticate": `Basic realm="${realm.replace(/["\\]/g, "")}", charset="UTF-8"`,
        "content-type": "text/plain; charset=utf-8",
      },
    });
  };
}
