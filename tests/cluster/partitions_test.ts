/**
 * A partitioned queue on a Redis Cluster: its partitions live on every
 * master, its jobs are stored there, and one worker runs them all. Runs on
 * the cluster of `deno task test:cluster` (skipped without it).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Cluster } from "ioredis";
import { defineActor, Repid, Worker } from "../../mod.ts";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import { keySlot } from "../../src/backend/redis/key_slot.ts";
import { partitionQueues } from "../../src/core/partitions.ts";
import { cleanup, CLUSTER_MODE, REDIS_CLUSTER_URL, testPrefix } from "../support/redis.ts";

const skip = CLUSTER_MODE ? false : "needs the cluster of `deno task test:cluster`";

describe("partitioned queue on a Redis Cluster", { skip }, () => {
  it("`partitions: 6` puts 2 partitions on each of the 3 masters, stores jobs on all, and one worker runs them all", async () => {
    const prefix = testPrefix("cluster-partitions");
    const store = new RedisBackend(REDIS_CLUSTER_URL, { prefix });
    const cluster = store.client as Cluster;
    const producer = new Repid(REDIS_CLUSTER_URL, { prefix, logger: "silent" });
    const worker = new Worker(REDIS_CLUSTER_URL, { prefix, logger: "silent", concurrency: 20 });
    try {
      await cluster.ping();
      const owner = (queue: string) => cluster.slots[keySlot(`{${queue}}`)][0];
      const names = partitionQueues("spread_hot", 6);
      const perMaster = new Map<string, number>();
      for (const name of names) perMaster.set(owner(name), (perMaster.get(owner(name)) ?? 0) + 1);
      assert.deepEqual([...perMaster.values()], [2, 2, 2], JSON.stringify([...perMaster]));

      const hot = defineActor(async function spread_job(i: number) {
        return await Promise.resolve(i * 2);
      }, { queue: "spread_hot", partitions: 6 });
      const jobs = await producer.enqueueJobs(
        Array.from({ length: 120 }, (_, i) => ({ actor: hot, args: [i] })),
      );
      const queued = await Promise.all(
        names.map((name) => cluster.llen(store.keys(name).ready)),
      );
      assert.deepEqual(queued, [20, 20, 20, 20, 20, 20]);

      worker.actor(hot);
      const running = worker.runForever({ handleSignals: false });
      const results = await Promise.all(jobs.map((j) => j.waitResult({ timeoutMs: 30_000 })));
      assert.deepEqual(results.map((r) => r.value), jobs.map((_, i) => i * 2));
      assert.deepEqual(new Set(jobs.map((j) => j.partition)), new Set([0, 1, 2, 3, 4, 5]));
      await worker.stop({ graceMs: 0 });
      await running;
    } finally {
      await worker.stop({ graceMs: 0 });
      await producer.close();
      await store.close();
      await cleanup(prefix);
    }
  });
});
