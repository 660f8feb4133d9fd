/**
 * Turning the `redis` argument of `Worker`/`Repid` into a backend: a
 * `memory://` URL opens an in-memory store, anything else Redis.
 *
 * @module
 */
import type { Backend } from "./backend.ts";
import type { RedisInput } from "./redis/connection.ts";
/**
 * Opens the store named by `input`: `memory://` (or `memory://name`) for the
 * in-memory store shared in this process, else a Redis client or URL.
 */
export declare function openBackend(input: RedisInput, options: {
    prefix: string;
}, action: string): Backend;
