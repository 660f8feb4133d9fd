/**
 * Turning the `redis` argument of `Worker`/`Repid` into a backend: a
 * `memory://` URL opens an in-memory store, anything else Redis.
 *
 * @module
 */

import type { Backend } from "./backend.ts";
import { memoryBackendFromUrl } from "./memory/memory_url.ts";
import type { RedisInput } from "./redis/connection.ts";
import { RedisBackend, type RedisBackendOptions } from "./redis/redis_backend.ts";

/**
 * Opens the store named by `input`: `memory://` (or `memory://name`) for the
 * in-memory store shared in this process (which has no replicas: the
 * durability options do not apply), else a Redis client or URL.
 */
export function openBackend(
  input: RedisInput,
  options: { prefix: string } & RedisBackendOptions,
  action: string,
): Backend {
  if (typeof input === "string" && input.startsWith("memory:")) {
    return memoryBackendFromUrl(
      input,
      { prefix: options.prefix, retention: options.retention },
      action,
    );
  }
  return new RedisBackend(input, options);
}
