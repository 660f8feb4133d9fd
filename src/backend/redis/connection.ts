/**
 * Turning the `redis` argument of `Worker`/`Repid` (an ioredis client or a
 * URL) into clients, and remembering which ones we opened.
 *
 * @module
 */

import { Redis } from "ioredis";

/** An ioredis client, or a `redis://` / `rediss://` URL to open one. */
export type RedisInput = Redis | string;

/** A client plus whether Repid opened it (and so must close it). */
export interface OwnedClient {
  /** The client. */
  client: Redis;
  /** `true` when Repid created the client and closes it on `close()`. */
  owned: boolean;
}

/** Opens a client for a URL, or adopts the given client. */
export function openClient(input: RedisInput, action: string): OwnedClient {
  if (typeof input === "string") {
    if (!/^rediss?:\/\//.test(input)) {
      throw new TypeError(
        `${action}: Redis URL ${JSON.stringify(input)} must start with redis:// or rediss://`,
      );
    }
    return { client: new Redis(input, { enableAutoPipelining: true }), owned: true };
  }
  if (!input || typeof (input as Redis).duplicate !== "function") {
    throw new TypeError(`${action}: expected an ioredis client or a redis:// URL`);
  }
  return { client: input, owned: false };
}

/** Closes a client politely, or drops it when it cannot answer. */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === "end") return;
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
