/**
 * Cancelling jobs over Redis (issue 14, point 3) that a worker in another
 * process runs: an async actor's signal aborts with JobCancelledError, a
 * sync actor's busy thread is terminated and replaced, and a cancel racing
 * the completion has one winner that `cancel()` names.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Repid } from "../../mod.ts";
import { OPS_QUEUE, spawnOperateWorker } from "../support/operate_worker.ts";
import { stopsBeating, underDeno } from "../support/heartbeat.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { waitFor } from "../support/wait.ts";

const QUEUE = OPS_QUEUE;

test("`job.cancel()` of a job running in another process aborts its `this.signal` with JobCancelledError; the job ends cancelled, not retried, its late value discarded", async () => {
  const prefix = testPrefix("cancel-running");
  const producer = new Repid(REDIS_URL, { prefix });
  // A lease far longer than the test: the worker learns of the cancel by its message.
  const child = spawnOperateWorker(prefix, { leaseMs: 600_000 });
  try {
    await child.waitForLine(/worker started/, 60_000);
    const job = await producer.enqueueJob("op_block", { queue: QUEUE });
    await child.waitForLine(new RegExp(`^started ${job.id}$`));
    assert.deepEqual(await job.cancel(), { cancelled: true, status: "cancelled" });
    await child.waitForLine(new RegExp(`^aborted ${job.id} JobCancelledError$`));
    const result = await job.waitResult({ timeoutMs: 30_000 });
    assert.equal(result.status, "cancelled");
    assert.equal(result.value, null);
    assert.equal(result.error?.name, "JobCancelledError");

    // The worker goes on: the next job runs, and the cancelled one never ran again.
    const next = await producer.enqueueJob("op_echo", { queue: QUEUE, args: ["next"] });
    assert.equal((await next.waitResult({ timeoutMs: 30_000 })).value, "next");
    assert.equal(child.lines.filter((l) => l === `started ${job.id}`).length, 1, "not retried");
    assert.equal(await job.status(), "cancelled", "its late return changed nothing");
    assert.ok(!child.lines.some((l) => /lease lost|write refused/.test(l)), child.lines.join("\n"));
  } finally {
    await child.close();
    await producer.close();
    await cleanup(prefix);
  }
});

test("`job.cancel()` of a sync actor busy in a loop in another process terminates its thread and replaces it", async () => {
  const prefix = testPrefix("cancel-thread");
  const producer = new Repid(REDIS_URL, { prefix });
  const dir = mkdtempSync(join(tmpdir(), "repid-cancel-"));
  const child = spawnOperateWorker(prefix);
  try {
    await child.waitForLine(/worker started/, 60_000);
    const heartbeat = join(dir, "spin");
    const job = await producer.enqueueJob("op_spin", { queue: QUEUE, args: [heartbeat] });
    await waitFor("the spinning job to start", () => existsSync(heartbeat), { timeoutMs: 30_000 });
    assert.deepEqual(await job.cancel(), { cancelled: true, status: "cancelled" });
    assert.equal((await job.waitResult({ timeoutMs: 30_000 })).status, "cancelled");
    // The worker has one thread, which the spinning job never gives back: a
    // sync job that runs now runs on its replacement.
    const next = await producer.enqueueJob("op_thread_echo", { queue: QUEUE, args: [1] });
    const result = await next.waitResult({ timeoutMs: 60_000 });
    assert.equal(result.status, "done", JSON.stringify(result.error));
    assert.deepEqual((result.value as { args: unknown[] }).args, [1]);
    if (!underDeno) {
      // Deno's Worker.terminate() cannot interrupt a busy loop (see the README).
      assert.equal(await stopsBeating(heartbeat), true, "the spinning thread was stopped");
    }
  } finally {
    await child.close();
    await producer.close();
    rmSync(dir, { recursive: true, force: true });
    await cleanup(prefix);
  }
});

test("`job.cancel()` racing the completion in another process: exactly one wins, and `cancel()` says which", async () => {
  const prefix = testPrefix("cancel-race");
  const producer = new Repid(REDIS_URL, { prefix });
  const child = spawnOperateWorker(prefix);
  try {
    await child.waitForLine(/worker started/, 60_000);
    const jobs = await producer.enqueueJobs(
      Array.from({ length: 60 }, (_, i) => ({ actor: "op_echo", queue: QUEUE, args: [i] })),
    );
    const outcomes = await Promise.all(jobs.map((j) => j.cancel()));
    for (const [i, job] of jobs.entries()) {
      const result = await job.waitResult({ timeoutMs: 30_000 });
      const outcome = outcomes[i];
      if (outcome.cancelled) {
        assert.equal(outcome.status, "cancelled");
        assert.equal(result.status, "cancelled", `job ${i}: the cancel won`);
        assert.equal(result.value, null);
      } else {
        assert.equal(outcome.status, "done");
        assert.equal(result.status, "done", `job ${i}: the completion won`);
        assert.equal(result.value, i);
      }
    }
  } finally {
    await child.close();
    await producer.close();
    await cleanup(prefix);
  }
});
