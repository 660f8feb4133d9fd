/**
 * Turning the `redis` argument of `Worker`/`Repid` (an ioredis client or a
 * URL) into clients, and remembering which ones we opened.
 *
 * @module
 */

import { type Cluster, Redis } from "ioredis";
import { describe } from "../../core/names.ts";
import { GAVE_UP, within } from "../../core/settle.ts";
import { isClusterUrl, isSentinelUrl, openClusterUrl, openSentinelUrl } from "./topology_urls.ts";

/**
 * The part of an ioredis client that Repid's types name. Any ioredis `Redis`
 * instance fits (on one node, or with `sentinels`); Repid uses it as the full
 * ioredis client.
 *
 * @example
 * ```ts ignore
 * import { Redis } from "ioredis";
 * const client: RedisClient = new Redis("redis://127.0.0.1:6379");
 * ```
 */
export interface RedisClient {
  /** The connection state, such as `"ready"`. */
  readonly status: string;
  /** Opens another connection with the same options. */
  duplicate(): unknown;
}

/**
 * The part of an ioredis `Cluster` client that Repid's types name; Repid
 * uses it as the full ioredis `Cluster`.
 *
 * @example
 * ```ts ignore
 * import { Cluster } from "ioredis";
 * const client: RedisClusterClient = new Cluster([{ host: "127.0.0.1", port: 7000 }]);
 * ```
 */
export interface RedisClusterClient extends RedisClient {
  /** `true` for a `Cluster`. */
  readonly isCluster: boolean;
  /** The connection to each node (`"master"`: to each master). */
  nodes(role?: "all" | "master" | "slave"): unknown[];
}

/**
 * An ioredis client (`Redis`, including one with `sentinels`, or `Cluster`),
 * or a URL to open one: `redis://` / `rediss://`, `redis+cluster://host:port,…`
 * (a Redis Cluster), `redis+sentinel://host:port,…/<master name>` (a primary
 * found through Sentinel); a `memory://` or `memory://name` URL opens the
 * in-memory store instead.
 *
 * @example
 * ```ts ignore
 * new Worker("redis+cluster://10.0.0.1:6379,10.0.0.2:6379");
 * new Worker("redis+sentinel://10.0.0.1:26379,10.0.0.2:26379/mymaster");
 * ```
 */
export type RedisInput = RedisClient | RedisClusterClient | string;

/** An ioredis client on one Redis (or a Sentinel-managed primary) or on a Redis Cluster. */
export type AnyRedis = Redis | Cluster;

/** A client plus whether Repid opened it (and so must close it). */
export interface OwnedClient {
  /** The client. */
  client: AnyRedis;
  /** `true` when Repid created the client and closes it on `close()`. */
  owned: boolean;
}

/**
 * Scripts sent directly rather than auto-pipelined: Repid batches them
 * itself (many jobs per call), and they are mostly sent one at a time, for
 * which auto-pipelining only adds a turn of the event loop and a pipeline
 * object per call (`deno task bench`: one-by-one enqueues went from about
 * 8 000 to 10 500 jobs/s without it).
 */
const BATCHED_SCRIPTS = [
  "repidEnqueue",
  "repidEnqueueMany",
  "repidFetch",
  "repidComplete",
  "repidCompleteFetch",
] as const;

/**
 * Throws the `TypeError` that {@linkcode openClient} would for `input`, without opening anything.
 *
 * @example
 * ```ts ignore
 * assertRedisInput("localhost:6379", "Cannot create worker"); // TypeError: … must start with redis://
 * ```
 */
export function assertRedisInput(input: RedisInput, action: string): void {
  if (typeof input === "string") {
    if (/^rediss?(\+cluster|\+sentinel)?:\/\//.test(input)) return;
    throw new TypeError(
      `${action}: Redis URL ${JSON.stringify(input)} must start with redis://, rediss://, ` +
        "redis+cluster:// or redis+sentinel://",
    );
  }
  if (!input || typeof (input as Redis).duplicate !== "function") {
    throw new TypeError(
      `${action}: expected an ioredis client or a redis:// URL, got ${describe(input)}`,
    );
  }
}

/** Opens a client for a URL, or adopts the given client. */
export function openClient(
  input: RedisInput,
  action: string,
  { lazyConnect = false }: { lazyConnect?: boolean } = {},
): OwnedClient {
  assertRedisInput(input, action);
  if (typeof input === "string") {
    const pipelining = {
      lazyConnect,
      enableAutoPipelining: true,
      // On a Redis Cluster, also their variants that announce by SPUBLISH (pubsub_mode.ts).
      // (BLPOP stays auto-pipelined: sent at once instead, Repid on Deno missed wake-ups
      // now and then in the bench's sequential run, each job then waiting out idleMs.)
      autoPipeliningIgnoredCommands: BATCHED_SCRIPTS.flatMap((n) => [n, `${n}Sharded`]),
    };
    const client: AnyRedis = isClusterUrl(input)
      ? openClusterUrl(input, action, pipelining)
      : isSentinelUrl(input)
      ? openSentinelUrl(input, action, pipelining)
      : new Redis(input, pipelining);
    // ioredis reconnects by itself and rejects the commands that fail; without
    // a listener it would print every failed reconnect attempt to stderr.
    client.on("error", () => {});
    return { client, owned: true };
  }
  return { client: input as unknown as AnyRedis, owned: false };
}

/** How long {@linkcode closeClient} waits for Redis to answer QUIT before it drops the connection. */
const QUIT_WAIT_MS = 1_000;

/**
 * Closes a client politely, or drops it when it cannot answer: at once when
 * it is not connected, after {@linkcode QUIT_WAIT_MS} when Redis does not
 * answer QUIT (it went away, or the connection went silent).
 */
export async function closeClient(client: AnyRedis): Promise<void> {
  if (client.status === "end") return;
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  try {
    if ((await within(client.quit(), QUIT_WAIT_MS)) === GAVE_UP) client.disconnect();
  } catch {
    client.disconnect();
  }
}
