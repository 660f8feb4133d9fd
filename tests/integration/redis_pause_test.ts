/**
 * Pausing a queue over Redis (issue 14, point 5), with the worker in another
 * process: after `pause()` resolves it starts no job of the queue, a running
 * one finishes, `resume()` wakes it at once, and the pause outlives the
 * worker's restart.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { Repid } from "../../mod.ts";
import { queueKeys } from "../../src/backend/redis/keys.ts";
import type { ChildScript } from "../support/child_script.ts";
import { OPS_QUEUE, spawnOperateWorker } from "../support/operate_worker.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { waitFor } from "../support/wait.ts";

const QUEUE = OPS_QUEUE;
/** Far beyond the test's waits: a job that runs was fetched on a wake-up, not on a poll. */
const IDLE_MS = 3_600_000;

function childWorker(prefix: string): ChildScript {
  return spawnOperateWorker(prefix, { idleMs: IDLE_MS });
}

/**
 * Resolves once the worker has run a fetch of the queue since this call: two
 * work markers are left, the worker's blocking read takes one and only a
 * fetch (which, on a paused queue, drops the marker) removes the other.
 */
async function workerFetched(redis: Redis, prefix: string): Promise<void> {
  const signal = queueKeys(prefix, QUEUE).signal;
  await redis.rpush(signal, "1", "1");
  await waitFor("the worker's fetch", async () => (await redis.exists(signal)) === 0);
}

test("`Queue.pause()`: a worker in another process starts no new job of the paused queue, its running job finishes, and `resume()` wakes it at once", async () => {
  const prefix = testPrefix("pause");
  const producer = new Repid(REDIS_URL, { prefix });
  const redis = new Redis(REDIS_URL);
  const dir = mkdtempSync(join(tmpdir(), "repid-pause-"));
  const child = childWorker(prefix);
  try {
    await child.waitForLine(/worker started/, 60_000);
    const gateFile = join(dir, "gate");
    const running = await producer.enqueueJob("op_gate", { queue: QUEUE, args: [gateFile] });
    await child.waitForLine(new RegExp(`^started ${running.id}$`));

    const q = producer.queue(QUEUE);
    assert.equal(await q.pause(), true);
    assert.equal(await q.isPaused(), true);
    const waiting = await producer.enqueueJob("op_echo", { queue: QUEUE, args: ["after"] });
    assert.equal(waiting.created, true, "enqueueing into a paused queue works");

    writeFileSync(gateFile, "");
    const first = await running.waitResult({ timeoutMs: 30_000 });
    assert.equal(first.value, "released", "the running job finished");
    await workerFetched(redis, prefix);
    assert.equal(await waiting.status(), "queued", "the paused queue's job did not start");
    assert.ok(!child.lines.some((l) => l === `started ${waiting.id}`));

    assert.equal(await q.resume(), true);
    assert.equal(await q.isPaused(), false);
    const result = await waiting.waitResult({ timeoutMs: 30_000 });
    assert.equal(result.value, "after");
  } finally {
    await child.close();
    await producer.close();
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
    await cleanup(prefix);
  }
});

test("`Queue.pause()` outlives a worker's restart: the new worker process starts no job until `resume()`", async () => {
  const prefix = testPrefix("pause-restart");
  const producer = new Repid(REDIS_URL, { prefix });
  const redis = new Redis(REDIS_URL);
  let child = childWorker(prefix);
  try {
    await child.waitForLine(/worker started/, 60_000);
    const first = await producer.enqueueJob("op_echo", { queue: QUEUE, args: [1] });
    assert.equal((await first.waitResult({ timeoutMs: 30_000 })).value, 1);
    const q = producer.queue(QUEUE);
    await q.pause();
    child.signal("SIGTERM");
    await child.exited;

    const job = await producer.enqueueJob("op_echo", { queue: QUEUE, args: [7] });
    child = childWorker(prefix);
    await child.waitForLine(/worker started/, 60_000);
    await workerFetched(redis, prefix);
    assert.equal(await job.status(), "queued", "still paused after the restart");
    assert.equal(await producer.queue(QUEUE).isPaused(), true);

    await q.resume();
    assert.equal((await job.waitResult({ timeoutMs: 30_000 })).value, 7);
  } finally {
    await child.close();
    await producer.close();
    await redis.quit();
    await cleanup(prefix);
  }
});
