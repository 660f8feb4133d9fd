// deno-lint-ignore-file require-await -- actors are async functions, as in the guide
/**
 * Contract tests of `job.cancel()` (issue 14, point 3) with the worker in
 * this process, on every backend; `redis_cancel_test.ts` runs the worker in
 * another process.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type Backend,
  JobCancelledError,
  type JobContext,
  JobNotFoundError,
  MemoryBackend,
  Repid,
} from "../../mod.ts";
import { days, hours } from "../../src/core/durations.ts";
import { storedJobFields } from "../../src/backend/memory/memory_backend.ts";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import { backends, type Harness } from "../support/harness.ts";
import { latch, waitFor } from "../support/wait.ts";

/** Overwrites a job's stored status, as a foreign writer would. */
async function setStatus(b: Backend, queue: string, id: string, status: string): Promise<void> {
  if (b instanceof RedisBackend) {
    await b.client.hset(b.keys(queue).jobPrefix + id, "status", status);
  } else storedJobFields(b as MemoryBackend, queue, id)!.status = status;
}

for (const backend of backends) {
  describe(`[${backend.name}] job.cancel()`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("`job.cancel()` of a queued job: it never starts and its result says cancelled", async () => {
      const producer = h.producer();
      const cancelled = await producer.enqueueJob("cancel_queued", { queue: "cq", args: [1] });
      const kept = await producer.enqueueJob("cancel_queued", { queue: "cq", args: [2] });
      assert.deepEqual(await cancelled.cancel(), { cancelled: true, status: "cancelled" });
      const result = await cancelled.waitResult({ timeoutMs: 10_000 });
      assert.equal(result.status, "cancelled");
      assert.equal(result.success, false);
      assert.equal(result.value, null);
      assert.equal(result.error?.name, "JobCancelledError");
      assert.equal(result.startedAt, null, "it never started");
      assert.equal(await cancelled.status(), "cancelled");

      const ran: number[] = [];
      const worker = h.worker();
      worker.actor(async function cancel_queued(n: number) {
        ran.push(n);
        return n;
      }, { queue: "cq" });
      const running = worker.runForever({ handleSignals: false });
      assert.equal((await kept.waitResult({ timeoutMs: 10_000 })).value, 2);
      assert.deepEqual(ran, [2], "the cancelled job, ahead of it in the queue, did not run");
      await worker.stop();
      await running;
    });

    it("`job.cancel()` of a deferred job: it never becomes due", async () => {
      const producer = h.producer();
      const job = await producer.enqueueJob("cancel_deferred", {
        queue: "cd",
        deferUntil: new Date(Date.now() + hours(1)),
      });
      assert.equal(await job.status(), "deferred");
      assert.deepEqual(await job.cancel(), { cancelled: true, status: "cancelled" });
      assert.equal((await job.result).status, "cancelled");
    });

    it("`job.cancel()` of a running job aborts its `this.signal` with JobCancelledError, does not retry it and discards its late value", async () => {
      const started = latch();
      let calls = 0;
      let reason: unknown;
      const worker = h.worker();
      worker.actor(async function cancel_running(this: JobContext) {
        calls++;
        const signal = this.signal;
        started.open();
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        reason = signal.reason;
        return "late";
      }, { queue: "cr", retries: 3 });
      worker.actor(async function cancel_after() {
        return "after";
      }, { queue: "cr" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const job = await producer.enqueueJob("cancel_running", { queue: "cr" });
      await started.opened;
      assert.equal(await job.status(), "in_progress");
      assert.deepEqual(await job.cancel(), { cancelled: true, status: "cancelled" });
      const result = await job.waitResult({ timeoutMs: 10_000 });
      assert.equal(result.status, "cancelled");
      assert.equal(result.value, null, "the late value is discarded");
      assert.deepEqual(result.error, {
        name: "JobCancelledError",
        message: `Job "${job.id}" was cancelled`,
      });
      await waitFor("the actor to see the abort", () => reason !== undefined);
      assert.ok(reason instanceof JobCancelledError);
      assert.equal((reason as JobCancelledError).jobId, job.id);

      const next = await producer.enqueueJob("cancel_after", { queue: "cr" });
      assert.equal((await next.waitResult({ timeoutMs: 10_000 })).value, "after");
      assert.equal(calls, 1, "not retried");
      assert.equal(await job.status(), "cancelled", "the late return did not overwrite it");
      assert.equal(worker.runningCount, 0);
      await worker.stop();
      await running;
    });

    it("a worker that missed the cancel message stops the job at its next lease renewal", async () => {
      const started = latch();
      let reason: unknown;
      const worker = h.worker({ leaseMs: 300 });
      worker.actor(async function cancel_unheard(this: JobContext) {
        const signal = this.signal;
        started.open();
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        reason = signal.reason;
      }, { queue: "cm" });
      const running = worker.runForever({ handleSignals: false });
      const job = await h.producer().enqueueJob("cancel_unheard", { queue: "cm" });
      await started.opened;
      // What the cancel script stores, without its message (lost on the way).
      await setStatus(h.backend(), "cm", job.id, "cancelled");
      await waitFor("the renewal to stop the job", () => reason !== undefined);
      assert.ok(reason instanceof JobCancelledError);
      await waitFor("the run to end", () => worker.runningCount === 0);
      assert.equal(await job.status(), "cancelled");
      await worker.stop();
      await running;
    });

    it("`job.cancel()` of a finished job changes nothing and says it was not cancelled", async () => {
      const worker = h.worker();
      worker.actor(async function cancel_done() {
        return 42;
      }, { queue: "cf" });
      const running = worker.runForever({ handleSignals: false });
      const job = await h.producer().enqueueJob("cancel_done", { queue: "cf" });
      assert.equal((await job.result).value, 42);
      assert.deepEqual(await job.cancel(), { cancelled: false, status: "done" });
      assert.equal((await job.result).value, 42);
      await worker.stop();
      await running;
    });

    it("`job.cancel()` of a running occurrence of a recurring job does not stop its schedule", async () => {
      const runs: string[] = [];
      const firstStarted = latch();
      const worker = h.worker();
      worker.actor(async function cancel_tick(this: JobContext) {
        runs.push(this.jobId);
        firstStarted.open();
        const signal = this.signal;
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      }, { queue: "ct" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const schedule = await producer.enqueueJob("cancel_tick", { queue: "ct", deferBy: 1_000 });
      await firstStarted.opened;
      const first = schedule.occurrence(Number(runs[0].split("@")[1]));
      assert.equal(first.id, runs[0]);
      assert.deepEqual(await first.cancel(), { cancelled: true, status: "cancelled" });
      await waitFor("the next occurrence to run", () => runs.length === 2, { timeoutMs: 30_000 });
      assert.notEqual(runs[1], runs[0]);
      assert.equal((await schedule.info())?.status, "active");
      assert.equal(await first.status(), "cancelled");
      assert.equal(await schedule.cancel(), true);
      await worker.stop({ graceMs: 0 });
      await running;
    });

    it("`job.cancel()` of a pending occurrence of a recurring job does not stop its schedule", async () => {
      const producer = h.producer();
      const schedule = await producer.enqueueJob("cancel_recurring", {
        queue: "cs",
        deferBy: days(1),
        jobId: "daily",
      });
      const first = await schedule.nextJob();
      assert.ok(first, "a pending occurrence");
      assert.deepEqual(await first.cancel(), { cancelled: true, status: "cancelled" });
      const next = await schedule.nextJob();
      assert.ok(next);
      assert.notEqual(next.id, first.id, "the next occurrence was created");
      assert.equal(await next.status(), "deferred");
      assert.equal((await schedule.info())?.status, "active");
      assert.equal(await first.status(), "cancelled");
    });
  });
}

describe("job.cancel() of an unknown job", () => {
  it("`job.cancel()` rejects with JobNotFoundError once the job's record expired", async () => {
    let now = Date.now();
    const backend = new MemoryBackend({ now: () => now });
    const producer = new Repid(null, { backend, logger: "silent" });
    try {
      const job = await producer.enqueueJob("gone_soon");
      assert.equal((await job.cancel()).cancelled, true);
      now += days(8); // a cancelled job's record is kept 7 days
      await assert.rejects(
        job.cancel(),
        (e: Error) => e instanceof JobNotFoundError && e.message.includes(job.id),
      );
    } finally {
      await producer.close();
      await backend.close();
    }
  });
});
