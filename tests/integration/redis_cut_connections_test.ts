/**
 * Redis only: a worker whose connections are cut again and again (CLIENT
 * KILL every 300 ms) still wakes up to reclaim an expired lease. ioredis
 * resends a blocking read cut by a dropped connection, which restarts its
 * timeout; the fault suite's cut-connections scenario found idle workers
 * waiting forever that way while a job's lease had long expired.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { Repid, Worker } from "../../mod.ts";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";

/** Closes every connection named `name` (ours only: the Redis is shared). */
async function cut(redis: Redis, name: string): Promise<number> {
  const list = (await redis.client("LIST")) as string;
  let closed = 0;
  for (const line of list.split("\n")) {
    const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
    if (id && line.includes(` name=${name} `)) {
      closed += Number(await redis.client("KILL", "ID", id).catch(() => 0));
    }
  }
  return closed;
}

test("Worker: an idle worker whose connections keep being cut still reclaims an expired lease", async () => {
  const prefix = testPrefix("cut-connections");
  const name = `repid-cut-${prefix.slice(-8)}`;
  const admin = new Redis(REDIS_URL);
  const workerClient = new Redis(REDIS_URL, { connectionName: name });
  workerClient.on("error", () => {});
  const orphaner = new RedisBackend(REDIS_URL, { prefix });
  const producer = new Repid(REDIS_URL, { prefix });
  const worker = new Worker(workerClient, { prefix, leaseMs: 1_000, logger: "silent" });
  worker.actor(function echo(n: number): number {
    return n;
  });
  let cutting = true;
  try {
    const job = await producer.enqueueJob("echo", { args: [7] });
    // A lease nobody will renew: as if its worker died right after the fetch.
    const { jobs } = await orphaner.fetch("default", 1, 500, "orphan-token");
    assert.deepEqual(jobs.map((j) => j.id), [job.id]);

    const running = worker.runForever({ handleSignals: false });
    let cuts = 0;
    const cutter = (async () => {
      while (cutting) {
        await delay(300); // the fault: a cut every 300 ms
        if (cutting) cuts += (await cut(admin, name)) > 0 ? 1 : 0;
      }
    })();
    const result = await job.waitResult({ timeoutMs: 20_000 });
    cutting = false;
    await cutter;
    assert.equal(result.value, 7);
    assert.equal(result.deliveries, 2, "the orphaned lease was reclaimed");
    assert.ok(cuts > 0, "connections were cut meanwhile");
    await worker.stop();
    await running;
  } finally {
    cutting = false;
    await worker.stop({ graceMs: 0 });
    await producer.close();
    await orphaner.close();
    workerClient.disconnect();
    admin.disconnect();
    await cleanup(prefix);
  }
});
