/**
 * Turning the `redis` argument of `Worker`/`Repid` into a backend: a
 * `memory://` URL opens an in-memory store, anything else Redis.
 *
 * @module
 */
import { memoryBackendFromUrl } from "./memory/memory_backend.js";
import { RedisBackend } from "./redis/redis_backend.js";
/**
 * Opens the store named by `input`: `memory://` (or `memory://name`) for the
 * in-memory store shared in this process, else a Redis client or URL.
 */
export function openBackend(input, options, action) {
    if (typeof input === "string" && input.startsWith("memory:")) {
        return memoryBackendFromUrl(input, options, action);
    }
    return new RedisBackend(input, options);
}
