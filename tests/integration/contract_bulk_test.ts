/**
 * Contract tests of `Repid.enqueueJobs()` (bulk enqueue), once per backend.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { defineActor, type Job } from "../../mod.ts";
import { backends, type Harness } from "../support/harness.ts";
import { latch } from "../support/wait.ts";

for (const backend of backends) {
  describe(`[${backend.name}] Repid.enqueueJobs`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("`enqueueJobs()` returns one handle per item, in order, and the jobs run in FIFO order", async () => {
      const seen: number[] = [];
      const worker = h.worker({ concurrency: 1 });
      worker.actor(async function record(i: number): Promise<number> {
        await Promise.resolve();
        seen.push(i);
        return i * 2;
      }, { queue: "bulk-fifo" });
      const producer = h.producer();
      const items = Array.from({ length: 25 }, (_, i) => ({
        actor: "record",
        args: [i],
        queue: "bulk-fifo",
      }));
      const jobs = await producer.enqueueJobs(items);
      assert.equal(jobs.length, 25);
      assert.equal(new Set(jobs.map((j) => j.id)).size, 25, "every job has its own id");
      for (const job of jobs) {
        assert.equal(job.created, true);
        assert.equal(job.queue, "bulk-fifo");
        assert.equal(job.actor, "record");
      }
      const running = worker.runForever({ handleSignals: false });
      const results = await Promise.all(jobs.map((j) => j.result));
      assert.deepEqual(results.map((r) => r.value), items.map((_, i) => i * 2));
      assert.deepEqual(seen, items.map((_, i) => i), "queued in the order given");
      await worker.stop();
      await running;
    });

    it("`enqueueJobs()` keeps an unfinished job with the same custom id, also within one call", async () => {
      const producer = h.producer();
      const [first] = await producer.enqueueJobs([
        { actor: "dedupe", jobId: "bulk-dup-1", args: [1], queue: "bulk-dedupe" },
      ]);
      assert.equal(first.created, true);
      const jobs = await producer.enqueueJobs([
        { actor: "dedupe", jobId: "bulk-dup-1", args: [2], queue: "bulk-dedupe" },
        { actor: "dedupe", jobId: "bulk-dup-2", args: [3], queue: "bulk-dedupe" },
        { actor: "dedupe", jobId: "bulk-dup-2", args: [4], queue: "bulk-dedupe" },
      ]);
      assert.deepEqual(jobs.map((j) => [j.id, j.created]), [
        ["bulk-dup-1", false],
        ["bulk-dup-2", true],
        ["bulk-dup-2", false],
      ]);
      const runs: number[] = [];
      const worker = h.worker();
      worker.actor(async function dedupe(n: number): Promise<number> {
        await Promise.resolve();
        runs.push(n);
        return n;
      }, { queue: "bulk-dedupe" });
      const running = worker.runForever({ handleSignals: false });
      assert.equal((await jobs[0].result).value, 1, "the first payload of bulk-dup-1 is kept");
      assert.equal((await jobs[1].result).value, 3, "the first payload of bulk-dup-2 is kept");
      assert.deepEqual(runs.sort(), [1, 3], "each id ran once");
      await worker.stop();
      await running;
    });

    it("`enqueueJobs()` rejects the whole call when one item is invalid, naming it, and writes nothing", async () => {
      const producer = h.producer();
      await assert.rejects(
        producer.enqueueJobs([
          { actor: "valid", jobId: "bulk-invalid-kept-out", queue: "bulk-invalid" },
          { actor: "valid", queue: "" },
        ]),
        (error: unknown) =>
          error instanceof TypeError &&
          /^Cannot enqueue jobs: item 1: queue name is empty/.test(error.message),
      );
      await assert.rejects(
        producer.enqueueJobs([
          { actor: "valid", queue: "bulk-invalid" },
          { actor: "valid", queue: "bulk-invalid", deferUntil: Number.NaN },
        ]),
        (error: unknown) => error instanceof RangeError && /item 1: deferUntil/.test(error.message),
      );
      await assert.rejects(
        producer.enqueueJobs([
          { actor: "valid", queue: "bulk-invalid", args: [() => 1] },
        ]),
        (error: unknown) => error instanceof TypeError && /item 0/.test(error.message),
      );
      await assert.rejects(
        // @ts-expect-error: recurring options belong to enqueueJob()
        producer.enqueueJobs([{ actor: "valid", queue: "bulk-invalid", deferBy: 60_000 }]),
        (error: unknown) => error instanceof TypeError && /recurring/.test(error.message),
      );
      await assert.rejects(
        // @ts-expect-error: not an array
        producer.enqueueJobs({ actor: "valid" }),
        TypeError,
      );
      assert.equal(
        await producer.getJob("bulk-invalid-kept-out", { queue: "bulk-invalid" }),
        null,
        "the valid item of the rejected call was not written",
      );
    });

    it("`enqueueJobs()` spreads items over queues, defers the deferred ones, and accepts []", async () => {
      const producer = h.producer();
      assert.deepEqual(await producer.enqueueJobs([]), []);
      const later = Date.now() + 3_600_000;
      const jobs = await producer.enqueueJobs([
        { actor: "a", queue: "bulk-q1", args: [1] },
        { actor: "b", queue: "bulk-q2", args: [2] },
        { actor: "a", queue: "bulk-q1", args: [3], deferUntil: later },
        { actor: "a", queue: "bulk-q1", args: [4] },
      ]);
      assert.deepEqual(jobs.map((j) => j.queue), ["bulk-q1", "bulk-q2", "bulk-q1", "bulk-q1"]);
      assert.deepEqual(
        await Promise.all(jobs.map((j) => j.status())),
        ["queued", "queued", "deferred", "queued"],
      );
      const info = await jobs[2].info();
      assert.equal(info?.actor, "a");
    });

    it("`enqueueJobs()` takes actor definitions and types each handle's result", async () => {
      const double = defineActor(async function bulk_double(n: number): Promise<number> {
        await Promise.resolve();
        return n * 2;
      }, { queue: "bulk-defs" });
      const worker = h.worker();
      worker.actor(double);
      const running = worker.runForever({ handleSignals: false });
      const jobs: Job<number>[] = await h.producer().enqueueJobs([
        { actor: double, args: [20] },
        { actor: double, args: [21] },
      ]);
      assert.deepEqual(jobs.map((j) => j.queue), ["bulk-defs", "bulk-defs"]);
      const values = await Promise.all(jobs.map(async (j) => (await j.result).value));
      assert.deepEqual(values, [40, 42]);
      await worker.stop();
      await running;
    });

    it("`enqueueJob()` calls made together are stored in call order, each with its own outcome", async () => {
      const seen: number[] = [];
      const worker = h.worker({ concurrency: 1 });
      worker.actor(async function together(i: number): Promise<number> {
        await Promise.resolve();
        seen.push(i);
        return i;
      }, { queue: "bulk-together" });
      const producer = h.producer();
      const jobs = await Promise.all([
        producer.enqueueJob("together", { args: [0], queue: "bulk-together", jobId: "tg-0" }),
        producer.enqueueJob("together", { args: [1], queue: "bulk-together" }),
        producer.enqueueJob("together", { args: [2], queue: "bulk-together", jobId: "tg-0" }),
        producer.enqueueJob("together", { args: [3], queue: "bulk-together" }),
      ]);
      assert.deepEqual(jobs.map((j) => j.created), [true, true, false, true]);
      assert.equal(jobs[2].id, "tg-0");
      const running = worker.runForever({ handleSignals: false });
      assert.deepEqual(
        await Promise.all(jobs.map(async (j) => (await j.result).value)),
        [0, 1, 0, 3],
      );
      assert.deepEqual(seen, [0, 1, 3], "in call order, the duplicate id stored once");
      await worker.stop();
      await running;
    });

    it("`enqueueJobs()` enqueues a batch of 20 000 jobs in one call and every one runs", async () => {
      const total = 20_000;
      let done = 0;
      const all = latch();
      const worker = h.worker({ concurrency: 50 });
      worker.actor(async function count() {
        await Promise.resolve();
        if (++done === total) all.open();
      }, { queue: "bulk-large" });
      const jobs = await h.producer().enqueueJobs(
        Array.from({ length: total }, () => ({ actor: "count", queue: "bulk-large" })),
      );
      assert.equal(jobs.length, total);
      assert.ok(jobs.every((j) => j.created));
      const running = worker.runForever({ handleSignals: false });
      await all.opened;
      assert.equal((await jobs[total - 1].result).success, true);
      await worker.stop();
      await running;
    });
  });
}
