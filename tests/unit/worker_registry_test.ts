/**
 * The workers' registry expires a worker that stopped sending heartbeats
 * (killed): on the in-memory store by its clock, on Redis by the hash's TTL.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Redis } from "ioredis";
import { MemoryBackend } from "../../mod.ts";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import { workerKeys } from "../../src/backend/redis/worker_registry.ts";
import { WORKER_TTL_MS, type WorkerAnnouncement } from "../../src/core/worker_info.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";

const announcement: WorkerAnnouncement = {
  id: "w1",
  host: "h",
  pid: 1,
  queues: ["default"],
  actors: { default: ["a"] },
  concurrency: 1,
};

test("`MemoryBackend` drops a worker whose last heartbeat is older than the TTL", async () => {
  let now = 1_000_000;
  const store = new MemoryBackend({ now: () => now });
  await store.heartbeatWorker(announcement, WORKER_TTL_MS);
  now += WORKER_TTL_MS - 1;
  await store.heartbeatWorker(announcement, WORKER_TTL_MS); // renewed: lives on
  now += WORKER_TTL_MS - 1;
  const [info] = await store.listWorkers();
  assert.deepEqual(info, {
    ...announcement,
    startedAt: 1_000_000,
    lastSeenAt: now - WORKER_TTL_MS + 1,
  });
  now += 1; // no heartbeat for a whole TTL: the worker was killed
  assert.deepEqual(await store.listWorkers(), []);
  await store.close();
});

test("`RedisBackend` registers a worker in a hash that expires after the TTL unless renewed", async () => {
  const prefix = testPrefix("registry");
  const store = new RedisBackend(REDIS_URL, { prefix });
  const redis = new Redis(REDIS_URL);
  try {
    await store.heartbeatWorker(announcement, WORKER_TTL_MS);
    const k = workerKeys(prefix);
    const ttl = await redis.pttl(k.workerPrefix + "w1");
    assert.ok(ttl > 0 && ttl <= WORKER_TTL_MS, `PTTL ${ttl}`);
    assert.equal(await redis.zcard(k.ids), 1);
    // A killed worker: its hash expired, its id is left in the index until the next listing.
    await redis.del(k.workerPrefix + "w1");
    assert.deepEqual(await store.listWorkers(), []);
    assert.equal(await redis.zcard(k.ids), 0, "the stale id is removed by the listing");
  } finally {
    await redis.quit();
    await store.close();
    await cleanup(prefix);
  }
});
