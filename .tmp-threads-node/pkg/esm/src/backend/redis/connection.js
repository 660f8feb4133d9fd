/**
 * Turning the `redis` argument of `Worker`/`Repid` (an ioredis client or a
 * URL) into clients, and remembering which ones we opened.
 *
 * @module
 */
import { Redis } from "ioredis";
/** Opens a client for a URL, or adopts the given client. */
export function openClient(input, action) {
    if (typeof input === "string") {
        if (!/^rediss?:\/\//.test(input)) {
            throw new TypeError(`${action}: Redis URL ${JSON.stringify(input)} must start with redis:// or rediss://`);
        }
        const client = new Redis(input, { enableAutoPipelining: true });
        // ioredis reconnects by itself and rejects the commands that fail; without
        // a listener it would print every failed reconnect attempt to stderr.
        client.on("error", () => { });
        return { client, owned: true };
    }
    if (!input || typeof input.duplicate !== "function") {
        throw new TypeError(`${action}: expected an ioredis client or a redis:// URL`);
    }
    return { client: input, owned: false };
}
/** Closes a client politely, or drops it when it cannot answer. */
export async function closeClient(client) {
    if (client.status === "end")
        return;
    if (client.status !== "ready") {
        client.disconnect();
        return;
    }
    try {
        await client.quit();
    }
    catch {
        client.disconnect();
    }
}
