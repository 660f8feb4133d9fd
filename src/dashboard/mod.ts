/**
 * The built-in dashboard of Repid: one Fetch-API handler
 * `(request: Request) => Promise<Response>` that shows the queues, jobs,
 * schedules and workers of a store and acts on them, for `Deno.serve`, Bun,
 * Hono, or `node:http` through {@linkcode nodeListener}.
 *
 * @example
 * ```ts
 * import { Repid } from "@repid/repid";
 * import { dashboard } from "@repid/repid/dashboard";
 *
 * const producer = new Repid("memory://");
 * const handler = dashboard({ producer, basePath: "/jobs" });
 * const page = await handler(new Request("http://localhost/jobs/"));
 * console.log(page.headers.get("content-type")); // text/html; charset=utf-8
 * await producer.close();
 * ```
 *
 * @module
 */

export { dashboard, type DashboardHandler, type DashboardOptions } from "./dashboard.ts";
export { nodeListener, type NodeRequest, type NodeResponse } from "./node_listener.ts";
export { basicAuth } from "./basic_auth.ts";
