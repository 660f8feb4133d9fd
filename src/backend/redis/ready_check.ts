/**
 * The start-up check of a Redis connection: wait until the client is ready,
 * for a few seconds at most, and otherwise fail with an error that names
 * the server and the cause (refused, unknown host, authentication, TLS).
 * After start-up, outages are handled by reconnecting, as before.
 *
 * @module
 */

import type { AnyRedis } from "./connection.ts";
import { ConnectionError } from "../../errors.ts";

/** How long a worker waits at start for Redis to answer. */
export const READY_CHECK_MS = 3_000;

/**
 * `host:port` (or the socket path) the client connects to.
 *
 * @example
 * ```ts ignore
 * redisAddress(new Redis("redis://127.0.0.1:1", { lazyConnect: true })); // "127.0.0.1:1"
 * ```
 */
export function redisAddress(client: AnyRedis): string {
  if (client.isCluster) return "a Redis Cluster";
  const o = client.options as { host?: string; port?: number; path?: string; tls?: unknown };
  if (o.path) return o.path;
  return `${o.host ?? "127.0.0.1"}:${o.port ?? 6379}${o.tls ? " (TLS)" : ""}`;
}

/**
 * Resolves once `client` is ready; rejects with a {@linkcode ConnectionError}
 * naming the address and the last connection error after `timeoutMs`, and
 * with the signal's reason when `signal` aborts first.
 *
 * @example
 * ```ts ignore
 * await waitUntilReady(client, "start worker"); // ConnectionError after 3 s without Redis
 * ```
 */
export function waitUntilReady(
  client: AnyRedis,
  action: string,
  timeoutMs: number = READY_CHECK_MS,
  signal?: AbortSignal,
): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (error: Error) => (lastError = error);
    const onReady = () => finish();
    const onAbort = () => finish(signal!.reason);
    const timer = setTimeout(() => {
      const cause = lastError ?? new Error(`no answer within ${timeoutMs} ms`);
      finish(
        new ConnectionError(`${action} (Redis at ${redisAddress(client)})`, cause),
      );
    }, timeoutMs);
    const finish = (error?: unknown) => {
      clearTimeout(timer);
      client.off("error", onError);
      client.off("ready", onReady);
      signal?.removeEventListener("abort", onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    client.on("error", onError);
    client.once("ready", onReady);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) onAbort();
    // A client made with `lazyConnect` connects on its first command, or now.
    if (client.status === "wait") client.connect().catch(() => {});
  });
}
