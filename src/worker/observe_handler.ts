/**
 * The worker's HTTP endpoints as a Fetch handler (a function from `Request`
 * to `Response`, for `Deno.serve`, `Bun.serve` or any server that speaks the
 * Fetch API): `/metrics`, `/healthz` and `/readyz`.
 *
 * @module
 */

import { PROMETHEUS_CONTENT_TYPE } from "../core/prometheus.ts";

/** How a worker stands, as its health endpoints tell it. */
export interface WorkerHealth {
  /** The worker runs and its loops (fetching, lease renewal) are running. */
  alive: boolean;
  /** Alive, its store answers, and it fetches jobs; `false` while it stops. */
  ready: boolean;
}

/** What the handler serves. */
export interface ObserveSource {
  /** The metrics text, or `undefined` when metrics are off. */
  metrics(): Promise<string | undefined>;
  /** The worker's health now. */
  health(): WorkerHealth;
}

/**
 * The Fetch handler of `source`:
 * - `GET /metrics`: the metrics in the Prometheus text format (404 when off);
 * - `GET /healthz`: 200 `ok` while alive, else 503;
 * - `GET /readyz`: 200 `ok` while ready, else 503;
 * - anything else: 404.
 *
 * @example
 * ```ts
 * import { observeHandler } from "./observe_handler.ts";
 *
 * const handler = observeHandler({
 *   metrics: () => Promise.resolve("# no metrics\n"),
 *   health: () => ({ alive: true, ready: false }),
 * });
 * const res = await handler(new Request("http://localhost/readyz"));
 * console.log(res.status); // 503
 * ```
 */
export function observeHandler(source: ObserveSource): (request: Request) => Promise<Response> {
  return async (request) => {
    const path = new URL(request.url).pathname;
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
    }
    switch (path) {
      case "/metrics": {
        const text = await source.metrics();
        if (text === undefined) return new Response("metrics are off\n", { status: 404 });
        return new Response(text, { headers: { "content-type": PROMETHEUS_CONTENT_TYPE } });
      }
      case "/healthz":
        return status(source.health().alive);
      case "/readyz":
        return status(source.health().ready);
      default:
        return new Response("not found\n", { status: 404 });
    }
  };
}

function status(ok: boolean): Response {
  return new Response(ok ? "ok\n" : "unavailable\n", {
    status: ok ? 200 : 503,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
