/**
 * The store a command reads or changes: a producer on the Redis the command
 * line names, opened only once Redis answers, so that an unreachable Redis
 * fails the command with one message naming the address and the cause.
 *
 * @module
 */

import { openBackend } from "../backend/open_backend.ts";
import { Repid } from "../producer/repid.ts";
import type { StoreAddress } from "./common_options.ts";

/** A connected producer; `close()` closes it and its store. */
export interface Store {
  /** The producer (the operating API). */
  producer: Repid;
  /** Closes the producer and the store's connections. */
  close(): Promise<void>;
}

/**
 * Opens the store at `address` and waits until it answers; rejects with the
 * store's `ConnectionError` ("Cannot <action> (Redis at host:port): …") when
 * it does not within a few seconds.
 *
 * @example
 * ```ts ignore
 * const store = await openStore({ url: "redis://127.0.0.1:6379" }, "list workers");
 * await store.close();
 * ```
 */
export async function openStore(address: StoreAddress, action: string): Promise<Store> {
  const prefix = address.prefix ?? "repid";
  const backend = openBackend(address.url, { prefix }, `Cannot ${action}`);
  try {
    await backend.checkConnection?.(action);
    const producer = new Repid(null, {
      backend,
      prefix,
      logger: "silent",
      unknownActors: "ignore",
    });
    return {
      producer,
      async close() {
        await producer.close();
        await backend.close();
      },
    };
  } catch (error) {
    await backend.close().catch(() => {});
    throw error;
  }
}
