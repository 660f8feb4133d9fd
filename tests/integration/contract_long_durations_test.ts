// deno-lint-ignore-file require-await -- actors are async functions, as in the guide
/**
 * Contract tests: durations past the range of one timer (2³¹ ms, about 24.9
 * days) mean what they say, on every backend: a 30-day limit does not fire
 * at once, and the longest retention is kept.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { days, type JobContext, ResultTimeoutError } from "../../mod.ts";
import { deferred } from "../../src/core/sleep.ts";
import { backends, type Harness } from "../support/harness.ts";

for (const backend of backends) {
  describe(`[${backend.name}] durations past the timer range`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("`timeoutMs: days(30)` does not fail a 300 ms job (actor and job option)", async () => {
      const worker = h.worker();
      worker.actor(async function takes_300ms(this: JobContext) {
        await delay(300, undefined, { signal: this.signal }); // the job's own work
        return "finished";
      }, { queue: "long-timeout", timeoutMs: days(30) });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const byActor = await producer.enqueueJob("takes_300ms", { queue: "long-timeout" });
      const byJob = await producer.enqueueJob("takes_300ms", {
        queue: "long-timeout",
        timeoutMs: days(40),
      });
      for (const result of await Promise.all([byActor.result, byJob.result])) {
        assert.equal(result.status, "done", JSON.stringify(result.error));
        assert.equal(result.value, "finished");
      }
      await worker.stop();
      await running;
    });

    it("`waitResult({ timeoutMs: days(30) })` waits for the job instead of giving up at once", async () => {
      const release = deferred<void>();
      const worker = h.worker();
      worker.actor(async function held() {
        await release.promise;
        return "released";
      }, { queue: "long-wait" });
      const running = worker.runForever({ handleSignals: false });
      const job = await h.producer().enqueueJob("held", { queue: "long-wait" });
      const long = job.waitResult({ timeoutMs: days(30) });
      // A short wait beside it gives up first: time has passed, the long one still waits.
      await assert.rejects(job.waitResult({ timeoutMs: 100 }), ResultTimeoutError);
      release.resolve();
      const result = await long;
      assert.equal(result.value, "released");
      await worker.stop();
      await running;
    });

    it("a worker with `graceMs: days(30)` lets a running job finish when stopped", async () => {
      const release = deferred<void>();
      const started = deferred<void>();
      const worker = h.worker({ graceMs: days(30) });
      worker.actor(async function slow_to_stop() {
        started.resolve();
        await release.promise;
        return "finished";
      }, { queue: "long-grace" });
      const running = worker.runForever({ handleSignals: false });
      const job = await h.producer().enqueueJob("slow_to_stop", { queue: "long-grace" });
      await started.promise;
      const stopped = worker.stop();
      await assert.rejects(job.waitResult({ timeoutMs: 100 }), ResultTimeoutError);
      release.resolve();
      await stopped;
      await running;
      const result = await job.getResult();
      assert.equal(result?.status, "done", "the job ran to its end, not handed back");
      assert.equal(result?.deliveries, 1);
    });

    it("a `backoff` of days(30) holds the retry back instead of retrying at once", async () => {
      const worker = h.worker();
      let runs = 0;
      worker.actor(async function fails_once() {
        if (++runs === 1) throw new Error("first attempt fails");
        return "retried";
      }, { queue: "long-backoff", retries: 1, backoff: { type: "fixed", delayMs: days(30) } });
      const running = worker.runForever({ handleSignals: false });
      const job = await h.producer().enqueueJob("fails_once", { queue: "long-backoff" });
      await assert.rejects(job.waitResult({ timeoutMs: 300 }), ResultTimeoutError);
      assert.equal(runs, 1, "the retry waits its 30 days");
      await worker.stop({ graceMs: 0 });
      await running;
    });

    it("`resultTtlMs: Number.MAX_SAFE_INTEGER` keeps the result", async () => {
      const worker = h.worker({ resultTtlMs: Number.MAX_SAFE_INTEGER });
      worker.actor(async function kept() {
        return 1;
      }, { queue: "long-ttl" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const byWorker = await producer.enqueueJob("kept", { queue: "long-ttl" });
      const byJob = await producer.enqueueJob("kept", {
        queue: "long-ttl",
        resultTtlMs: Number.MAX_SAFE_INTEGER,
      });
      for (const job of [byWorker, byJob]) {
        const result = await job.waitResult({ timeoutMs: 20_000 });
        assert.equal(result.status, "done", JSON.stringify(result.error));
        assert.equal((await job.getResult())?.value, 1);
      }
      await worker.stop();
      await running;
    });
  });
}
