/**
 * A small HTTP server for a Fetch handler, on `node:http` so that it runs
 * the same on Deno, Node and Bun: `repid worker --metrics-port` serves the
 * worker's `/metrics`, `/healthz` and `/readyz` with it.
 *
 * @module
 */

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A running server. */
export interface ServedHandler {
  /** The port it listens on. */
  port: number;
  /** Stops listening and closes its connections. */
  close(): Promise<void>;
}

/**
 * Serves `handler` on `port` of every interface (0: a free port); resolves
 * once listening. Request bodies are not read (the endpoints take none).
 *
 * @example
 * ```ts
 * import { serveFetchHandler } from "./http_server.ts";
 *
 * const served = await serveFetchHandler(() => Promise.resolve(new Response("ok")), 0);
 * const res = await fetch(`http://127.0.0.1:${served.port}/`);
 * console.log(await res.text()); // "ok"
 * await served.close();
 * ```
 */
export function serveFetchHandler(
  handler: (request: Request) => Promise<Response>,
  port: number,
): Promise<ServedHandler> {
  const server = createServer((req, res) => {
    const url = `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
    handler(new Request(url, { method: req.method })).then(
      async (response) => {
        const body = req.method === "HEAD" ? "" : await response.text();
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(body);
      },
      (error) => {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end(`${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => {
      server.off("error", reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
