/**
 * Turning the `redis` argument of `Worker`/`Repid` (an ioredis client or a
 * URL) into clients, and remembering which ones we opened.
 *
 * @module
 */
import { Redis } from "ioredis";
/**
 * The part of an ioredis client that Repid's types name. Any ioredis `Redis`
 * instance fits; Repid uses it as the full ioredis client.
 */
export interface RedisClient {
    /** The connection state, such as `"ready"`. */
    readonly status: string;
    /** Opens another connection with the same options. */
    duplicate(): unknown;
}
/**
 * An ioredis client, or a `redis://` / `rediss://` URL to open one; a
 * `memory://` or `memory://name` URL opens the in-memory store instead.
 */
export type RedisInput = RedisClient | string;
/** A client plus whether Repid opened it (and so must close it). */
export interface OwnedClient {
    /** The client. */
    client: Redis;
    /** `true` when Repid created the client and closes it on `close()`. */
    owned: boolean;
}
/** Opens a client for a URL, or adopts the given client. */
export declare function openClient(input: RedisInput, action: string): OwnedClient;
/** Closes a client politely, or drops it when it cannot answer. */
export declare function closeClient(client: Redis): Promise<void>;
