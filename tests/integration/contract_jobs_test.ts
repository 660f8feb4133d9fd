// deno-lint-ignore-file require-await -- actors are async functions, as in the guide
/**
 * Contract tests: producer and worker behaviour that every backend must show.
 * Each test runs once per backend in `backends`.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  JobNotFoundError,
  type JobResult,
  type JobStatus,
  ProducerClosedError,
  RepidError,
  ResultTimeoutError,
} from "../../mod.ts";
import { backends, type Harness } from "../support/harness.ts";
import { latch, waitFor } from "../support/wait.ts";

for (const backend of backends) {
  describe(`[${backend.name}] Worker and Repid`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("`enqueueJob()` runs the job and `job.result` waits for its value", async () => {
      const worker = h.worker({ concurrency: 5 });
      worker.actor(async function string_length(theString: string): Promise<number> {
        await Promise.resolve();
        return theString.length;
      });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const job = await producer.enqueueJob("string_length", { args: ["hello"] });
      assert.equal(job.queue, "default");
      assert.equal(job.actor, "string_length");
      const result: JobResult = await job.result;
      assert.equal(result.success, true);
      assert.equal(result.status, "done");
      assert.equal(result.value, 5);
      assert.equal(result.error, null);
      assert.deepEqual(result.errors, []);
      assert.equal(result.attempts, 1);
      assert.equal(result.deliveries, 1);
      assert.ok(result.enqueuedAt > 1_600_000_000_000, "enqueuedAt is epoch ms");
      assert.ok(result.startedAt! >= result.enqueuedAt);
      assert.ok(result.finishedAt >= result.startedAt!);
      await worker.stop();
      await running;
    });

    it("`job.result` stores null when the actor returns nothing", async () => {
      const worker = h.worker();
      worker.actor(async function nothing() {}, { queue: "nothing" });
      const running = worker.runForever({ handleSignals: false });
      const job = await h.producer().enqueueJob("nothing", { queue: "nothing" });
      const result = await job.result;
      assert.equal(result.success, true);
      assert.equal(result.value, null);
      await worker.stop();
      await running;
    });

    it("a failing actor stores the error's name, message and stack", async () => {
      const worker = h.worker();
      worker.actor(async function exceptional_actor(i: number): Promise<number> {
        if (i === 3) throw new RangeError("three is not allowed");
        return i;
      }, { queue: "errors" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const bad = await producer.enqueueJob("exceptional_actor", { args: [3], queue: "errors" });
      const good = await producer.enqueueJob("exceptional_actor", { args: [4], queue: "errors" });
      const failed = await bad.result;
      assert.equal(failed.success, false);
      assert.equal(failed.status, "failed");
      assert.equal(failed.value, null);
      assert.equal(failed.error?.name, "RangeError");
      assert.equal(failed.error?.message, "three is not allowed");
      assert.match(failed.error?.stack ?? "", /exceptional_actor/);
      assert.equal(failed.attempts, 1);
      assert.equal((await good.result).value, 4);
      await worker.stop();
      await running;
    });

    it("`retries: N` runs a failing job up to N more times and stores every error", async () => {
      const worker = h.worker();
      let calls = 0;
      worker.actor(async function flaky(): Promise<string> {
        calls++;
        if (calls < 3) throw new Error(`failure ${calls}`);
        return "third time lucky";
      }, { queue: "retries", retries: 3, backoff: { type: "fixed", delayMs: 10 } });
      let always = 0;
      worker.actor(async function always_fails(): Promise<void> {
        always++;
        throw new Error(`always ${always}`);
      }, {
        queue: "retries",
        retries: 2,
        backoff: { type: "exponential", baseMs: 5, maxMs: 20 },
      });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const ok = await (await producer.enqueueJob("flaky", { queue: "retries" })).result;
      assert.equal(ok.success, true);
      assert.equal(ok.value, "third time lucky");
      assert.equal(ok.attempts, 3);
      assert.deepEqual(ok.errors.map((e) => e.message), ["failure 1", "failure 2"]);
      assert.equal(ok.deliveries, 1, "retries happen on the same worker, not by redelivery");

      const ko = await (await producer.enqueueJob("always_fails", { queue: "retries" })).result;
      assert.equal(ko.success, false);
      assert.equal(ko.attempts, 3, "1 run + 2 retries");
      assert.equal(always, 3);
      assert.deepEqual(ko.errors.map((e) => e.message), ["always 1", "always 2", "always 3"]);
      assert.equal(ko.error?.message, "always 3");
      await worker.stop();
      await running;
    });

    it("a queue is FIFO: with concurrency 1 jobs start in enqueue order", async () => {
      const producer = h.producer();
      const jobs = [];
      for (let i = 0; i < 30; i++) {
        jobs.push(await producer.enqueueJob("ordered", { args: [i], queue: "fifo" }));
      }
      const started: number[] = [];
      const worker = h.worker({ concurrency: 1 });
      worker.actor(async function ordered(i: number) {
        started.push(i);
      }, { queue: "fifo" });
      const running = worker.runForever({ handleSignals: false });
      await Promise.all(jobs.map((j) => j.result));
      assert.deepEqual(started, [...Array(30).keys()]);
      await worker.stop();
      await running;
    });

    it("runs at most `concurrency` jobs at once, and reaches it", async () => {
      const gate = latch();
      let now = 0;
      let peak = 0;
      const worker = h.worker({ concurrency: 4 });
      worker.actor(async function gated() {
        now++;
        peak = Math.max(peak, now);
        await gate.opened;
        now--;
      }, { queue: "conc" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const jobs = await Promise.all(
        Array.from({ length: 10 }, () => producer.enqueueJob("gated", { queue: "conc" })),
      );
      await waitFor("4 jobs running", () => worker.runningCount === 4);
      const statuses = await Promise.all(jobs.map((j) => j.status()));
      assert.equal(statuses.filter((s) => s === "in_progress").length, 4);
      assert.equal(statuses.filter((s) => s === "queued").length, 6);
      gate.open();
      await Promise.all(jobs.map((j) => j.result));
      assert.equal(peak, 4);
      await worker.stop();
      await running;
    });

    it("runs at most `concurrency` jobs at once across all of its queues", async () => {
      const producer = h.producer();
      let now = 0;
      let peak = 0;
      const body = async () => {
        now++;
        peak = Math.max(peak, now);
        await new Promise((r) => setTimeout(r, 50));
        now--;
      };
      const jobs = [];
      for (let i = 0; i < 6; i++) {
        jobs.push(await producer.enqueueJob("conc_a", { queue: "conc-a" }));
        jobs.push(await producer.enqueueJob("conc_b", { queue: "conc-b" }));
      }
      const worker = h.worker({ concurrency: 2 });
      worker.actor(async function conc_a() {
        await body();
      }, { queue: "conc-a" });
      worker.actor(async function conc_b() {
        await body();
      }, { queue: "conc-b" });
      const running = worker.runForever({ handleSignals: false });
      await Promise.all(jobs.map((j) => j.result));
      await worker.stop();
      await running;
      assert.ok(peak <= 2, `${peak} jobs ran at once with concurrency 2 over two queues`);
    });

    it("`getResult()` returns null while unfinished; `status()` follows the job", async () => {
      const producer = h.producer();
      const job = await producer.enqueueJob("slow_status", { queue: "status" });
      assert.equal(await job.status(), "queued");
      assert.equal(await job.getResult(), null);
      const gate = latch();
      const started = latch();
      const worker = h.worker();
      worker.actor(async function slow_status() {
        started.open();
        await gate.opened;
        return "ok";
      }, { queue: "status" });
      const running = worker.runForever({ handleSignals: false });
      await started.opened;
      assert.equal(await job.status(), "in_progress");
      assert.equal(await job.getResult(), null);
      gate.open();
      await job.result;
      assert.equal(await job.status(), "done");
      assert.equal((await job.getResult())?.value, "ok");
      await worker.stop();
      await running;
    });

    it("an unknown job id reads as not found", async () => {
      const producer = h.producer();
      assert.equal(await producer.getJob("no-such-job"), null);
      assert.equal(await producer.getJob("no-such-job", { queue: "other" }), null);
    });

    it("`waitResult()` rejects after `timeoutMs` and when its signal aborts", async () => {
      const producer = h.producer();
      const job = await producer.enqueueJob("never_runs", { queue: "waits" });
      await assert.rejects(job.waitResult({ timeoutMs: 150 }), ResultTimeoutError);
      const controller = new AbortController();
      const waiting = job.waitResult({ signal: controller.signal });
      controller.abort(new Error("user gave up"));
      await assert.rejects(waiting, /user gave up/);
      await assert.rejects(
        job.waitResult({ signal: AbortSignal.abort(new Error("already")) }),
        /already/,
      );
    });

    it("`close()` ends a result wait that was still subscribing", async () => {
      const producer = h.producer({ recheckMs: 100 });
      const job = await producer.enqueueJob("never_runs", { queue: "close-wait" });
      const waiting = job.waitResult().then(() => "resolved", (e: Error) => e);
      await producer.close();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([
        waiting,
        new Promise<string>((r) => (timer = setTimeout(() => r("still pending"), 2_000))),
      ]);
      clearTimeout(timer);
      assert.ok(outcome instanceof ProducerClosedError, `got ${outcome}`);
      assert.ok(outcome instanceof RepidError);
      assert.equal(
        outcome.message,
        `Cannot get the result of job "${job.id}": the producer was closed`,
      );
      // Calls made after the close are refused the same way.
      await assert.rejects(job.waitResult(), ProducerClosedError);
      await assert.rejects(
        producer.enqueueJob("never_runs", { queue: "close-wait" }),
        (e) => e instanceof ProducerClosedError && /^Cannot enqueue job: /.test(e.message),
      );
      await assert.rejects(producer.enqueueJobs([{ actor: "a" }]), ProducerClosedError);
      await assert.rejects(producer.getJob(job.id), ProducerClosedError);
      await assert.rejects(producer.schedules(), ProducerClosedError);
    });

    it("`getJob(id)` on another producer reads and awaits the result", async () => {
      const first = h.producer();
      const job = await first.enqueueJob("echo", { args: [{ a: [1, "x", null] }], queue: "other" });
      const second = h.producer();
      const again = await second.getJob(job.id, { queue: "other" });
      assert.ok(again);
      assert.equal(again.actor, "echo");
      assert.equal(await again.getResult(), null);
      const worker = h.worker();
      worker.actor(async function echo(v: unknown) {
        return v;
      }, { queue: "other" });
      const running = worker.runForever({ handleSignals: false });
      const result = await again.result;
      assert.deepEqual(result.value, { a: [1, "x", null] });
      await worker.stop();
      await running;
    });

    it("`job.result` rejects with JobNotFoundError once the job's record is gone", async () => {
      const worker = h.worker();
      worker.actor(async function fleeting() {
        return 1;
      }, { queue: "ghosts" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const job = await producer.enqueueJob("fleeting", { queue: "ghosts", resultTtlMs: 1 });
      await waitFor("the result to expire", async () => (await job.info()) === null);
      await assert.rejects(job.result, JobNotFoundError);
      await worker.stop();
      await running;
    });

    it("a custom `jobId` returns the unfinished job instead of adding another", async () => {
      const producer = h.producer();
      const a = await producer.enqueueJob("dedupe", {
        args: [1],
        jobId: "report-42",
        queue: "ids",
      });
      const b = await producer.enqueueJob("dedupe", {
        args: [2],
        jobId: "report-42",
        queue: "ids",
      });
      assert.equal(a.id, "report-42");
      assert.equal(a.created, true);
      assert.equal(b.id, "report-42");
      assert.equal(b.created, false);
      const seen: number[] = [];
      const worker = h.worker();
      worker.actor(async function dedupe(n: number) {
        seen.push(n);
        return n;
      }, { queue: "ids" });
      const running = worker.runForever({ handleSignals: false });
      assert.equal((await a.result).value, 1);
      // Finished: the same id may now be enqueued again and runs with its new arguments.
      const c = await producer.enqueueJob("dedupe", {
        args: [3],
        jobId: "report-42",
        queue: "ids",
      });
      assert.equal(c.created, true);
      assert.equal((await c.result).value, 3);
      assert.deepEqual(seen, [1, 3]);
      await worker.stop();
      await running;
    });

    it("results expire after their TTL (per job and per actor)", async () => {
      const worker = h.worker();
      worker.actor(async function short_lived() {
        return 1;
      }, { queue: "ttl", resultTtlMs: 200 });
      worker.actor(async function long_lived() {
        return 2;
      }, { queue: "ttl" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const byActor = await producer.enqueueJob("short_lived", { queue: "ttl" });
      const byJob = await producer.enqueueJob("long_lived", { queue: "ttl", resultTtlMs: 200 });
      const kept = await producer.enqueueJob("long_lived", { queue: "ttl" });
      await Promise.all([byActor.result, byJob.result, kept.result]);
      await waitFor(
        "results to expire",
        async () => (await byActor.info()) === null && (await byJob.info()) === null,
      );
      assert.equal((await kept.getResult())?.value, 2, "the default TTL (one hour) keeps it");
      await worker.stop();
      await running;
    });
  });

  describe(`[${backend.name}] deferred jobs`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("a deferred job never starts before `deferUntil`, and starts soon after", async () => {
      const worker = h.worker({ idleMs: 5_000 });
      const startedAt: number[] = [];
      worker.actor(async function happy_new_year() {
        startedAt.push(Date.now());
      }, { queue: "defer" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const due = Date.now() + 600;
      const job = await producer.enqueueJob("happy_new_year", {
        queue: "defer",
        deferUntil: new Date(due),
      });
      assert.equal(await job.status(), "deferred");
      const info = await job.info();
      assert.equal(info?.dueAt, due);
      const result = await job.result;
      assert.ok(result.startedAt! >= due, "started at or after its time (store clock)");
      assert.ok(startedAt[0] >= due - 50, "never before its time");
      await worker.stop();
      await running;
    });

    it("due deferred jobs are served before normal jobs of the same queue", async () => {
      const producer = h.producer();
      const due = Date.now() + 300;
      const deferred = await producer.enqueueJob("order", {
        args: ["deferred"],
        queue: "prio",
        deferUntil: due,
      });
      const normal = [];
      for (let i = 0; i < 5; i++) {
        normal.push(await producer.enqueueJob("order", { args: [`normal-${i}`], queue: "prio" }));
      }
      await waitFor("the deferred job to fall due", () => Date.now() > due + 20);
      const seen: string[] = [];
      const worker = h.worker({ concurrency: 1 });
      worker.actor(async function order(tag: string) {
        seen.push(tag);
      }, { queue: "prio" });
      const running = worker.runForever({ handleSignals: false });
      await Promise.all([...normal, deferred].map((j) => j.result));
      assert.deepEqual(seen, [
        "deferred",
        "normal-0",
        "normal-1",
        "normal-2",
        "normal-3",
        "normal-4",
      ]);
      await worker.stop();
      await running;
    });

    it("a past `deferUntil` runs now (epoch ms or Date)", async () => {
      const worker = h.worker();
      worker.actor(async function past(n: number) {
        return n;
      }, { queue: "past" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const a = await producer.enqueueJob("past", { args: [1], queue: "past", deferUntil: 0 });
      const b = await producer.enqueueJob("past", {
        args: [2],
        queue: "past",
        deferUntil: new Date("2020-01-01T00:00:00Z"),
      });
      assert.equal((await a.result).value, 1);
      assert.equal((await b.result).value, 2);
      await worker.stop();
      await running;
    });

    it("`enqueueJob()` refuses NaN, non-finite and non-integer `deferUntil`", async () => {
      const producer = h.producer();
      for (const bad of [NaN, Infinity, -Infinity, 1.5, new Date("nope")]) {
        await assert.rejects(
          producer.enqueueJob("x", { deferUntil: bad }),
          (e: Error) => e instanceof RangeError && /deferUntil/.test(e.message),
        );
      }
      await assert.rejects(
        producer.enqueueJob("x", { deferUntil: "2027-01-01" as unknown as number }),
        TypeError,
      );
    });
  });

  describe(`[${backend.name}] unknown actors and statuses`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("a worker lacking the actor puts the job back; a worker that has it runs it", async () => {
      const producer = h.producer();
      const lacking = h.worker({ unknownActorDelayMs: 100 });
      lacking.actor(async function other_actor() {}, { queue: "canary" });
      const runLacking = lacking.runForever({ handleSignals: false });
      const job = await producer.enqueueJob("new_actor", { queue: "canary" });
      await waitFor("a redelivery", async () => ((await job.info())?.deliveries ?? 0) >= 2);
      assert.notEqual(await job.status(), "done");
      const having = h.worker();
      having.actor(async function new_actor() {
        return "ran";
      }, { queue: "canary" });
      const runHaving = having.runForever({ handleSignals: false });
      const result = await job.result;
      assert.equal(result.value, "ran");
      assert.ok(result.deliveries >= 2, "the delivery count is kept on the job");
      await Promise.all([lacking.stop(), having.stop()]);
      await Promise.all([runLacking, runHaving]);
    });

    it("`unknownActorLimit` dead-letters the job with reason unknown_actor", async () => {
      const producer = h.producer();
      const worker = h.worker({ unknownActorDelayMs: 10, unknownActorLimit: 3 });
      worker.actor(async function known() {}, { queue: "limit" });
      const running = worker.runForever({ handleSignals: false });
      const job = await producer.enqueueJob("nobody_has_me", { queue: "limit" });
      const result = await job.result;
      assert.equal(result.status, "dead");
      assert.equal(result.success, false);
      assert.equal(result.reason, "unknown_actor");
      assert.equal(result.deliveries, 3);
      assert.equal(await job.status(), "dead" satisfies JobStatus);
      await worker.stop();
      await running;
    });

    it("`maxStalls` dead-letters a job whose lease keeps expiring, with reason stalled", async () => {
      // Two workers that die holding the job (they lease it and never renew
      // nor ack it); a third worker, with maxStalls 1, finds its lease expired
      // a second time and dead-letters it instead of running it.
      const store = h.backend();
      const job = await h.producer().enqueueJob("stalls_every_time", { queue: "stalls" });
      const crashed = async (token: string) => {
        const { jobs } = await waitFor(
          `a lease of ${token}`,
          async () => {
            const f = await store.fetch("stalls", 1, 100, token, 1);
            return f.jobs.length > 0 ? f : null;
          },
          { timeoutMs: 10_000 },
        );
        assert.equal(jobs[0].id, job.id);
      };
      await crashed("crashed-1");
      await crashed("crashed-2"); // reclaims the first expired lease: one stall
      let ran = false;
      const worker = h.worker({ leaseMs: 100, maxStalls: 1, idleMs: 10 });
      worker.actor(async function stalls_every_time() {
        ran = true;
      }, { queue: "stalls" });
      const running = worker.runForever({ handleSignals: false });
      const result = await job.waitResult({ timeoutMs: 15_000 });
      assert.equal(result.status, "dead");
      assert.equal(result.success, false);
      assert.equal(result.reason, "stalled");
      assert.deepEqual(result.error, {
        name: "StalledJobError",
        message: "Lease expired 2 times: the job stalled or killed its worker each time",
      });
      assert.equal(result.deliveries, 2);
      assert.equal(ran, false, "a dead-lettered job does not run");
      assert.equal(await job.status(), "dead" satisfies JobStatus);
      // The crashed holder's late ack is refused: its token no longer holds the lease.
      const late = await store.complete("stalls", [{
        id: job.id,
        token: "crashed-2",
        status: "done",
        valueJson: "1",
        error: null,
        errors: [],
        attempts: 1,
        ttlMs: 60_000,
      }]);
      assert.deepEqual(late, [false]);
      assert.equal((await job.getResult())?.reason, "stalled");
      await worker.stop();
      await running;
    });

    it("a non-JSON return value fails the job with a stored error", async () => {
      const worker = h.worker();
      worker.actor(async function returns_function() {
        return () => 1;
      }, { queue: "nonjson" });
      worker.actor(async function returns_bigint() {
        return 10n;
      }, { queue: "nonjson" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const a = await (await producer.enqueueJob("returns_function", { queue: "nonjson" })).result;
      const b = await (await producer.enqueueJob("returns_bigint", { queue: "nonjson" })).result;
      for (const r of [a, b]) {
        assert.equal(r.status, "failed");
        assert.equal(r.error?.name, "NonJsonResultError");
        assert.match(r.error!.message, /result/);
      }
      await worker.stop();
      await running;
    });
  });

  describe(`[${backend.name}] graceful shutdown`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("`stop()` lets running jobs finish within the grace period", async () => {
      const started = latch();
      const worker = h.worker();
      worker.actor(async function finishing() {
        started.open();
        await new Promise((r) => setTimeout(r, 200));
        return "finished";
      }, { queue: "grace" });
      const running = worker.runForever({ handleSignals: false });
      const job = await h.producer().enqueueJob("finishing", { queue: "grace" });
      await started.opened;
      await worker.stop({ graceMs: 10_000 });
      await running;
      assert.equal((await job.getResult())?.value, "finished");
    });

    it("`stop()` hands back unfinished jobs, which then run on another worker", async () => {
      const started = latch();
      let abortedWith: unknown;
      const first = h.worker({ leaseMs: 60_000 });
      first.actor(async function stubborn(this: { signal: AbortSignal }) {
        started.open();
        await new Promise<void>((resolve) => {
          this.signal.addEventListener("abort", () => {
            abortedWith = this.signal.reason;
            resolve();
          });
        });
        return "first";
      }, { queue: "handback" });
      const runFirst = first.runForever({ handleSignals: false });
      const job = await h.producer().enqueueJob("stubborn", { queue: "handback" });
      await started.opened;
      await first.stop({ graceMs: 50 });
      await runFirst;
      assert.ok(abortedWith instanceof Error, "the actor's signal aborted on shutdown");
      assert.equal(await job.status(), "queued", "handed back at once, not after the lease");
      const second = h.worker();
      second.actor(async function stubborn() {
        return "second";
      }, { queue: "handback" });
      const runSecond = second.runForever({ handleSignals: false });
      const result = await job.result;
      assert.equal(result.value, "second", "the late return of the first worker was discarded");
      assert.equal(result.deliveries, 2);
      await second.stop();
      await runSecond;
    });

    it("`runForever()` resolves when its signal aborts", async () => {
      const worker = h.worker();
      worker.actor(async function idle() {}, { queue: "signal" });
      const controller = new AbortController();
      const running = worker.runForever({ handleSignals: false, signal: controller.signal });
      controller.abort();
      await running;
      assert.equal(worker.runningCount, 0);
    });
  });
}
