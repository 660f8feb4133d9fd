/**
 * The blocking reads of idle workers: one connection per queue, each waiting
 * with BLPOP on the queue's signal list, and a wait that always ends on the
 * worker's side (see {@linkcode BlockingWaits.wait}).
 *
 * @module
 */

import type { AnyRedis } from "./connection.ts";
import { GAVE_UP, unlessAborted } from "../../core/settle.ts";
import { redisStoreError } from "./redis_errors.ts";

/** The blocking connections of a Redis store, one per queue waited on. */
export class BlockingWaits {
  readonly #client: AnyRedis;
  readonly #signalKey: (queue: string) => string;
  readonly #blocking = new Map<string, AnyRedis>();

  /**
   * @param client The client whose options the blocking connections copy.
   * @param signalKey The key of a queue's signal list.
   */
  constructor(client: AnyRedis, signalKey: (queue: string) => string) {
    this.#client = client;
    this.#signalKey = signalKey;
  }

  /**
   * Waits for work on `queue` (an entry in its signal list), at most
   * `timeoutMs`, or until `signal` aborts.
   */
  async wait(queue: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    let client = this.#blocking.get(queue);
    if (!client) {
      client = this.#client.duplicate();
      client.on("error", () => {}); // reconnects by itself; the fetch loop reports outages
      this.#blocking.set(queue, client);
    }
    const blocking = client;
    // The wait ends on the first of: work (or BLPOP's timeout), the signal,
    // or the guard below. It never relies on the BLPOP's promise to settle:
    // ioredis leaves the promise of a command pending forever when its
    // connection is disconnected while reconnecting, which is what happens
    // to it in an outage (issue 11).
    let dropped = false;
    const drop = () => {
      if (dropped) return;
      dropped = true;
      if (this.#blocking.get(queue) === blocking) this.#blocking.delete(queue);
      blocking.disconnect();
    };
    // ioredis resends a BLPOP cut by a dropped connection, which restarts its
    // timeout, and keeps a BLPOP sent during an outage until it reconnects:
    // past the timeout plus a margin, drop this connection and return, so the
    // fetch loop (and the reclaim of expired leases) never waits longer.
    const ended = new AbortController();
    const end = () => ended.abort();
    const stop = ended.signal;
    const timer = setTimeout(end, timeoutMs + 1_000);
    signal.addEventListener("abort", end, { once: true });
    try {
      const popped = await unlessAborted(
        blocking.blpop(this.#signalKey(queue), Math.max(0.01, timeoutMs / 1000)),
        stop,
      );
      if (popped === GAVE_UP) drop();
    } catch (error) {
      if (!stop.aborted) throw redisStoreError("wait for work", error);
      drop();
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", end);
    }
  }

  /** Drops every blocking connection (their waits end at once). */
  close(): void {
    for (const c of this.#blocking.values()) c.disconnect();
    this.#blocking.clear();
  }
}
