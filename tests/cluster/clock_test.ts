/**
 * One clock per queue on a Redis Cluster: the producer reads the time for
 * schedules from the queue's own master, the node whose clock its scripts
 * use. Runs on the cluster of `deno task test:cluster` (skipped without it).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Cluster, Redis } from "ioredis";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import { keySlot } from "../../src/backend/redis/key_slot.ts";
import { CLUSTER_MODE, REDIS_CLUSTER_URL, testPrefix } from "../support/redis.ts";

const skip = CLUSTER_MODE ? false : "needs the cluster of `deno task test:cluster`";

/** `TIME` calls each master has run so far (scripts' calls included). */
async function timeCalls(masters: Redis[]): Promise<number[]> {
  return await Promise.all(masters.map(async (m) => {
    const stats = await m.info("commandstats");
    return Number(/cmdstat_time:calls=(\d+)/.exec(stats)?.[1] ?? 0);
  }));
}

describe("Redis Cluster clock", { skip }, () => {
  it("`backend.time(queue)` asks the master that serves the queue", async () => {
    const prefix = testPrefix("cluster-clock");
    const store = new RedisBackend(REDIS_CLUSTER_URL, { prefix });
    const cluster = store.client as Cluster;
    try {
      await cluster.ping();
      const masters = cluster.nodes("master");
      const queue = "clocked";
      const owner = cluster.slots[keySlot(`{${queue}}`)][0];
      const home = masters.findIndex((m) => `${m.options.host}:${m.options.port}` === owner);
      const before = await timeCalls(masters);
      for (let i = 0; i < 30; i++) await store.time(queue);
      const after = await timeCalls(masters);
      const added = after.map((n, i) => n - before[i]);
      assert.deepEqual(
        added,
        masters.map((_, i) => (i === home ? 30 : 0)),
        "every TIME on the queue's master",
      );
    } finally {
      await store.close();
    }
  });
});
