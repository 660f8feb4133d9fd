/**
 * The lease hint of the Redis fetch (it looks for expired leases only when
 * one may have expired): no expired lease is held past it. A lease shorter
 * than the others is reclaimed when it expires, and a lease written around
 * the hint is reclaimed once the hint has expired (LEASE_SCAN_MS). Leases
 * given on the flow path (a job of a group) lower the hint too.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import type { NewJob } from "../../src/core/job.ts";
import { LEASE_SCAN_MS } from "../../src/core/store_limits.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { waitFor } from "../support/wait.ts";

const QUEUE = "hint";

function newJob(id: string, options?: NewJob["options"]): NewJob {
  return { id, customId: true, queue: QUEUE, actor: "probe", argsJson: "[]", dueAt: 0, options };
}

test("RedisBackend.fetch: a short lease is reclaimed when it expires although a longer lease was given first", async () => {
  const prefix = testPrefix("lease-hint-short");
  const backend = new RedisBackend(REDIS_URL, { prefix });
  try {
    await backend.enqueue([newJob("long"), newJob("short")]);
    const first = await backend.fetch(QUEUE, 1, 60_000, "long-owner");
    assert.deepEqual(first.jobs.map((j) => j.id), ["long"]);
    const second = await backend.fetch(QUEUE, 1, 200, "short-owner");
    assert.deepEqual(second.jobs.map((j) => j.id), ["short"]);
    const again = await waitFor(
      "the short lease to be reclaimed",
      async () => (await backend.fetch(QUEUE, 1, 60_000, "next-owner")).jobs[0],
      { timeoutMs: 30_000 },
    );
    assert.equal(again.id, "short");
    assert.equal(again.deliveries, 2);
  } finally {
    await backend.close();
    await cleanup(prefix);
  }
});

test("RedisBackend.fetch: a lease expiry written around the lease hint is reclaimed once the hint expires", async () => {
  const prefix = testPrefix("lease-hint-around");
  const backend = new RedisBackend(REDIS_URL, { prefix });
  const raw = new Redis(REDIS_URL);
  try {
    await backend.enqueue([newJob("held")]);
    const first = await backend.fetch(QUEUE, 1, 60_000, "owner");
    assert.deepEqual(first.jobs.map((j) => j.id), ["held"]);
    // The hint now says that no lease expires for a minute; move the job's
    // expiry into the past behind its back.
    const k = backend.keys(QUEUE);
    assert.ok(Number(await raw.get(k.leaseHint)) > Date.now() + LEASE_SCAN_MS);
    await raw.zadd(k.active, 1, "held");
    const again = await waitFor(
      "the lease to be reclaimed",
      async () => (await backend.fetch(QUEUE, 1, 60_000, "next-owner")).jobs[0],
      { timeoutMs: 30_000 },
    );
    assert.equal(again.id, "held");
    assert.equal(again.deliveries, 2);
  } finally {
    raw.disconnect();
    await backend.close();
    await cleanup(prefix);
  }
});

test("RedisBackend.fetch: a short lease given on the flow path (a job of a group) is reclaimed when it expires", async () => {
  const prefix = testPrefix("lease-hint-flow");
  const backend = new RedisBackend(REDIS_URL, { prefix });
  const raw = new Redis(REDIS_URL);
  try {
    await backend.enqueue([newJob("long"), newJob("grouped", { group: "g" })]);
    const first = await backend.fetch(QUEUE, 1, 60_000, "long-owner");
    assert.deepEqual(first.jobs.map((j) => j.id), ["long"]);
    const hintBefore = Number(await raw.get(backend.keys(QUEUE).leaseHint));
    const second = await backend.fetch(QUEUE, 1, 200, "short-owner");
    assert.deepEqual(second.jobs.map((j) => j.id), ["grouped"]);
    assert.ok(
      Number(await raw.get(backend.keys(QUEUE).leaseHint)) < hintBefore,
      "the flow lease lowered the hint",
    );
    const again = await waitFor(
      "the grouped job's short lease to be reclaimed",
      async () => (await backend.fetch(QUEUE, 1, 60_000, "next-owner")).jobs[0],
      { timeoutMs: 30_000 },
    );
    assert.equal(again.id, "grouped");
    assert.equal(again.deliveries, 2);
  } finally {
    raw.disconnect();
    await backend.close();
    await cleanup(prefix);
  }
});
