/**
 * How the scripts announce finished jobs: PUBLISH, which a Redis Cluster
 * copies to every node, or SPUBLISH (sharded pub/sub, Redis 7+), which stays
 * on the shard of the queue's slot. The choice is made once per backend.
 *
 * @module
 */

import type { Cluster } from "ioredis";
import type { AnyRedis } from "./connection.ts";
import type { Script } from "./scripts/common.ts";

/**
 * `"auto"`: sharded on a Redis Cluster whose nodes run Redis 7 or later,
 * broadcast otherwise. `"sharded"`: SPUBLISH/SSUBSCRIBE. `"broadcast"`:
 * PUBLISH/SUBSCRIBE (for proxies or clusters that lack sharded pub/sub).
 * Outside a cluster it is always broadcast.
 */
export type PubSubMode = "auto" | "sharded" | "broadcast";

/** The suffix of the command name of a script's sharded variant. */
export const SHARDED_SUFFIX = "Sharded";

/** `true` when `script` publishes a finished message (and so has a sharded variant). */
export function publishes(script: Script): boolean {
  return script.lua.includes("redis.call('PUBLISH',");
}

/** The same script announcing with SPUBLISH, defined under `<name>Sharded`. */
export function shardedVariant(script: Script): Script {
  return {
    name: script.name + SHARDED_SUFFIX,
    keys: script.keys,
    lua: script.lua.replaceAll("redis.call('PUBLISH',", "redis.call('SPUBLISH',"),
  };
}

/**
 * Whether `client` should use sharded pub/sub under `mode`: for `"auto"`, a
 * Cluster whose node answers INFO with `redis_version` 7 or later. Rejects
 * when INFO fails (the caller asks again next time); a proxy that refuses
 * INFO needs `"broadcast"` or `"sharded"` set.
 */
export async function useSharded(client: AnyRedis, mode: PubSubMode): Promise<boolean> {
  if (!client.isCluster || mode === "broadcast") return false;
  if (mode === "sharded") return true;
  const info = await (client as Cluster).info("server");
  return Number(/redis_version:(\d+)/.exec(info)?.[1] ?? 0) >= 7;
}
