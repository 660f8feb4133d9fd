// deno-lint-ignore-file require-await -- actors are async functions, as in the guide
/**
 * `this.progress()` in actors, `job.progress()`, `job.onProgress()` and
 * `JobInfo.progress`: on each store, on threads, and across processes.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { defineActor, Repid } from "../../mod.ts";
import { PROGRESS_WRITE_MS } from "../../src/worker/progress_reporter.ts";
import { fileURLToPath } from "node:url";
import { spawnScript } from "../support/child_script.ts";
import { backends, type Harness } from "../support/harness.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { latch, waitFor, within } from "../support/wait.ts";

/** A worker of the observe actors in a process of its own (a literal URL, for the Node run). */
const OBSERVE_WORKER = fileURLToPath(new URL("./fixtures/observe_worker.ts", import.meta.url));

const progressThreadActor = defineActor<typeof import("./fixtures/threads/progress.ts").default>(
  new URL("./fixtures/threads/progress.ts", import.meta.url),
  { name: "thread_progress", queue: "prog-thread" },
);

for (const backend of backends) {
  describe(`[${backend.name}] job progress`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("10,000 `this.progress()` calls in a tight loop are coalesced; the last one is stored", async () => {
      const worker = h.worker();
      worker.actor(async function tight(n: number) {
        for (let i = 1; i <= n; i++) this.progress({ done: i, of: n });
        return n;
      }, { queue: "prog-tight" });
      const producer = h.producer();
      const job = await producer.enqueueJob("tight", { queue: "prog-tight", args: [10_000] });
      assert.equal(await job.progress(), null, "no progress before it runs");
      const seen: unknown[] = [];
      const stop = await job.onProgress((p) => seen.push(p));
      const running = worker.runForever({ handleSignals: false });
      assert.equal((await job.result).value, 10_000);
      assert.deepEqual(await job.progress(), { done: 10_000, of: 10_000 });
      assert.deepEqual((await job.info())?.progress, { done: 10_000, of: 10_000 });
      await waitFor("the last progress announced", () => seen.length >= 2);
      // one write at once, one for the rest: the loop never yields
      assert.deepEqual(seen, [{ done: 1, of: 10_000 }, { done: 10_000, of: 10_000 }]);
      await stop();
      await worker.stop();
      await running;
    });

    it("a report held back by the write interval is replaced by the latest, which is written", async () => {
      const worker = h.worker();
      const step = latch();
      worker.actor(async function slow() {
        this.progress(1);
        await step.opened;
        this.progress(2); // within the interval of the first write: held back…
        this.progress(3); // …and replaced by this one
        await new Promise((r) => setTimeout(r, PROGRESS_WRITE_MS * 2)); // the held value's turn
        this.progress(4);
      }, { queue: "prog-slow" });
      const job = await h.producer().enqueueJob("slow", { queue: "prog-slow" });
      const seen: unknown[] = [];
      await job.onProgress((p) => {
        seen.push(p);
        if (p === 1) step.open();
      });
      const running = worker.runForever({ handleSignals: false });
      await job.result;
      await waitFor("the progress 4", () => seen.includes(4));
      // 2 is held back and replaced by 3 (unless this machine took longer than the interval
      // between the two reports, when it is written at once): 3 is never lost.
      assert.deepEqual(seen.filter((p) => p !== 2), [1, 3, 4]);
      assert.equal(await job.progress(), 4);
      await worker.stop();
      await running;
    });

    it("`this.progress()` with a value that is not JSON throws a TypeError in the actor", async () => {
      const worker = h.worker();
      worker.actor(async function bad_progress() {
        this.progress({ when: new Date(0) });
      }, { queue: "prog-bad" });
      const running = worker.runForever({ handleSignals: false });
      const job = await h.producer().enqueueJob("bad_progress", { queue: "prog-bad" });
      const result = await job.result;
      assert.equal(result.status, "failed");
      assert.equal(result.error?.name, "TypeError");
      assert.match(result.error!.message, /^Cannot report progress of job "[^"]+": progress/);
      assert.equal(await job.progress(), null);
      await worker.stop();
      await running;
    });

    it("a sync actor on a thread reports its progress too", async () => {
      const worker = h.worker({ threads: 1 });
      worker.actor(progressThreadActor);
      const running = worker.runForever({ handleSignals: false });
      const job = await h.producer().enqueueJob("thread_progress", {
        queue: "prog-thread",
        args: [500],
      });
      assert.equal((await job.result).value, 500);
      assert.deepEqual(await job.progress(), { step: 500, of: 500 });
      await worker.stop();
      await running;
    });

    it("`onProgress()` refuses a listener that is not a function", async () => {
      const job = await h.producer().enqueueJob("nobody", { queue: "prog-none" });
      await assert.rejects(job.onProgress(42 as never), {
        name: "TypeError",
        message:
          `Cannot follow the progress of job "${job.id}": the listener is a number, expected a function`,
      });
    });
  });
}

describe("job progress across processes", () => {
  it("`job.onProgress()` and `job.progress()` follow a job run by a worker in another process", async () => {
    const prefix = testPrefix("progress-xproc");
    const child = spawnScript(OBSERVE_WORKER, {
      REPID_URL: REDIS_URL,
      REPID_PREFIX: prefix,
    });
    const producer = new Repid(REDIS_URL, { prefix, logger: "silent" });
    try {
      await within(child.waitForLine(/^worker ready$/, 60_000), "the worker's start", 60_000);
      const job = await producer.enqueueJob("obs_progress", { queue: "observe", args: [5_000] });
      const seen: unknown[] = [];
      await job.onProgress((p) => seen.push(p));
      assert.equal((await job.result).value, 5_000);
      assert.equal(await job.progress(), 100);
      await waitFor("the last progress", () => seen.at(-1) === 100);
      assert.ok(seen.length <= 4, `coalesced: ${JSON.stringify(seen)}`);
    } finally {
      child.signal("SIGTERM");
      await child.exited;
      await producer.close();
      await cleanup(prefix);
    }
  });
});
