/**
 * Redis only: enqueues merged in one tick across queues settle per queue.
 * On a Redis Cluster the queues live on different masters, and one master
 * can fail (or be failing over) while the others store their jobs; a queue
 * whose list key holds the wrong type plays that failing master here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { Repid } from "../../mod.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";

test("`enqueueJob()` calls merged across queues: one queue's error never rejects another queue's stored jobs", async () => {
  const prefix = testPrefix("enqueue-outcomes");
  const redis = new Redis(REDIS_URL);
  const producer = new Repid(REDIS_URL, { prefix });
  try {
    await redis.set(`${prefix}:{broken}:ready`, "not a list");
    const settled = await Promise.allSettled([
      producer.enqueueJob("a", { queue: "healthy" }),
      producer.enqueueJob("b", { queue: "broken" }),
      producer.enqueueJob("c", { queue: "healthy" }),
      producer.enqueueJob("d", { queue: "other" }),
      producer.enqueueJob("e", { queue: "broken" }),
    ]);
    assert.deepEqual(settled.map((s) => s.status), [
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
      "rejected",
    ]);
    for (const s of settled) {
      if (s.status === "rejected") assert.match(String(s.reason), /WRONGTYPE/);
      else assert.equal(await s.value.status(), "queued", `${s.value.queue} job stored`);
    }
  } finally {
    await producer.close();
    redis.disconnect();
    await cleanup(prefix);
  }
});

test("`enqueueJobs()` across queues with one failing: rejects with that queue's error, the others are stored", async () => {
  const prefix = testPrefix("enqueue-outcomes-bulk");
  const redis = new Redis(REDIS_URL);
  const producer = new Repid(REDIS_URL, { prefix });
  try {
    await redis.set(`${prefix}:{broken}:ready`, "not a list");
    await assert.rejects(
      producer.enqueueJobs([
        { actor: "a", queue: "healthy", jobId: "h1" },
        { actor: "b", queue: "broken", jobId: "b1" },
        { actor: "c", queue: "healthy", jobId: "h2" },
      ]),
      /WRONGTYPE/,
    );
    assert.equal(await redis.llen(`${prefix}:{healthy}:ready`), 2);
  } finally {
    await producer.close();
    redis.disconnect();
    await cleanup(prefix);
  }
});
