// deno-lint-ignore-file require-await -- actors are async functions, as in the guide
/**
 * `worker.on()`: the typed events of a worker, on each store.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Worker, WorkerEventMap, WorkerEventName } from "../../mod.ts";
import { backends, type Harness } from "../support/harness.ts";
import { latch, waitFor, within } from "../support/wait.ts";
import { MemoryBackend, storedJobFields } from "../../src/backend/memory/memory_backend.ts";
import type { RedisBackend } from "../../src/backend/redis/redis_backend.ts";

/** Records every event of `names` in order, as `[name, detail]`. */
function record(
  worker: Worker,
  names: WorkerEventName[],
): [WorkerEventName, Record<string, unknown>][] {
  const seen: [WorkerEventName, Record<string, unknown>][] = [];
  for (const n of names) {
    worker.on(n, (d) => void seen.push([n, d as unknown as Record<string, unknown>]));
  }
  return seen;
}

for (const backend of backends) {
  describe(`[${backend.name}] worker.on()`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("`started` then `done` carry the job, its attempt, its times and the value", async () => {
      const worker = h.worker();
      worker.actor(async function add(a: number, b: number) {
        return a + b;
      }, { queue: "ev-done" });
      const seen = record(worker, ["started", "done", "failed", "idle"]);
      const running = worker.runForever({ handleSignals: false });
      const job = await h.producer().enqueueJob("add", { queue: "ev-done", args: [2, 3] });
      await job.result;
      await waitFor("the idle event", () => seen.some(([n]) => n === "idle"));
      const names = seen.map(([n]) => n);
      assert.deepEqual(names, ["started", "done", "idle"]);
      const started = seen[0][1] as unknown as WorkerEventMap["started"];
      const done = seen[1][1] as unknown as WorkerEventMap["done"];
      assert.equal(started.id, job.id);
      assert.equal(started.queue, "ev-done");
      assert.equal(started.actor, "add");
      assert.equal(started.attempt, 1);
      assert.equal(started.deliveries, 1);
      assert.equal(started.enqueuedAt, job.enqueuedAt);
      assert.ok(started.startedAt >= started.enqueuedAt);
      assert.equal(started.waitMs, started.startedAt - started.enqueuedAt);
      assert.equal(done.value, 5);
      assert.equal(done.id, job.id);
      assert.ok(done.durationMs >= 0);
      await worker.stop();
      await running;
    });

    it("`retrying` for each failed attempt that will run again, then `failed`", async () => {
      const worker = h.worker();
      let calls = 0;
      worker.actor(async function flaky() {
        calls++;
        throw new RangeError(`attempt ${calls}`);
      }, { queue: "ev-fail", retries: 2, backoff: { type: "fixed", delayMs: 1 } });
      const seen = record(worker, ["retrying", "failed", "done"]);
      const running = worker.runForever({ handleSignals: false });
      const job = await h.producer().enqueueJob("flaky", { queue: "ev-fail" });
      const result = await job.result;
      assert.equal(result.status, "failed");
      await waitFor("the failed event", () => seen.some(([n]) => n === "failed"));
      assert.deepEqual(seen.map(([n, d]) => [n, d.attempt]), [
        ["retrying", 1],
        ["retrying", 2],
        ["failed", 3],
      ]);
      const failed = seen[2][1] as unknown as WorkerEventMap["failed"];
      assert.equal(failed.error.name, "RangeError");
      assert.equal(failed.error.message, "attempt 3");
      assert.equal((seen[0][1] as unknown as WorkerEventMap["retrying"]).retryInMs, 1);
      await worker.stop();
      await running;
    });

    it("`dead` for a job the worker dead-letters (malformed arguments)", async () => {
      const worker = h.worker();
      worker.actor(async function takes_args(_x: number) {}, { queue: "ev-dead" });
      const seen = record(worker, ["dead"]);
      const running = worker.runForever({ handleSignals: false });
      const store = h.backend();
      await store.enqueue([{
        id: "bad-args",
        customId: true,
        queue: "ev-dead",
        actor: "takes_args",
        argsJson: "{not json",
        dueAt: 0,
      }]);
      await waitFor("the dead event", () => seen.length > 0);
      assert.equal(seen[0][1].id, "bad-args");
      assert.equal(seen[0][1].reason, "malformed");
      await worker.stop();
      await running;
    });

    it("`leaseLost` when another token took the job's lease; its signal aborts", async () => {
      const worker = h.worker({ leaseMs: 300 });
      const started = latch();
      let aborted: unknown;
      worker.actor(async function held() {
        started.open();
        await new Promise<void>((resolve) =>
          this.signal.addEventListener("abort", () => {
            aborted = this.signal.reason;
            resolve();
          })
        );
      }, { queue: "ev-lease" });
      const lost: WorkerEventMap["leaseLost"][] = [];
      worker.on("leaseLost", (e) => lost.push(e));
      const running = worker.runForever({ handleSignals: false });
      const job = await h.producer().enqueueJob("held", { queue: "ev-lease" });
      await started.opened;
      // another worker's token, as after an expiry and a fetch elsewhere
      const store = h.backend();
      if (store instanceof MemoryBackend) {
        storedJobFields(store, "ev-lease", job.id)!.token = "other";
      } else {
        const redis = store as RedisBackend;
        await redis.client.hset(redis.keys("ev-lease").jobPrefix + job.id, "token", "other");
      }
      await waitFor("the leaseLost event", () => lost.length > 0);
      assert.equal(lost[0].id, job.id);
      assert.equal(lost[0].queue, "ev-lease");
      assert.equal(lost[0].actor, "held");
      await waitFor("the run's signal to abort", () => aborted !== undefined);
      assert.equal((aborted as Error).name, "LeaseLostError");
      await worker.stop();
      await running;
    });

    it("`cancelled` when the job is cancelled while it runs; counted, and seen by queue events", async () => {
      const worker = h.worker();
      const started = latch();
      worker.actor(async function cancellable() {
        started.open();
        await new Promise<void>((resolve) =>
          this.signal.addEventListener("abort", () => resolve())
        );
      }, { queue: "ev-cancel" });
      const cancelled: WorkerEventMap["cancelled"][] = [];
      worker.on("cancelled", (e) => cancelled.push(e));
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const events = producer.queue("ev-cancel").events();
      await events.ready;
      const job = await producer.enqueueJob("cancellable", { queue: "ev-cancel" });
      await started.opened;
      assert.deepEqual(await job.cancel(), { cancelled: true, status: "cancelled" });
      await waitFor("the cancelled event", () => cancelled.length > 0);
      assert.equal(cancelled[0].id, job.id);
      assert.equal(cancelled[0].actor, "cancellable");
      const next = await within(events.next(), "the queue's cancelled event");
      assert.equal(next.value?.type, "cancelled");
      assert.equal(next.value?.id, job.id);
      await events.return();
      assert.match(
        await worker.metrics(),
        /repid_jobs_total\{queue="ev-cancel",actor="cancellable",status="cancelled"\} 1\n/,
      );
      await worker.stop();
      await running;
    });

    it("a listener that throws is reported on `error` and the worker goes on", async () => {
      const worker = h.worker();
      worker.actor(async function echo(x: number) {
        return x;
      }, { queue: "ev-throw" });
      worker.on("done", () => {
        throw new Error("listener broke");
      });
      const errors: WorkerEventMap["error"][] = [];
      worker.on("error", (e) => errors.push(e));
      worker.on("error", () => {
        throw new Error("error listener broke too");
      });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const jobs = await producer.enqueueJobs(
        [1, 2, 3].map((x) => ({ actor: "echo", queue: "ev-throw", args: [x] })),
      );
      const results = await Promise.all(jobs.map((j) => j.result));
      assert.deepEqual(results.map((r) => r.value), [1, 2, 3]);
      await waitFor("three listener errors", () => errors.length === 3);
      assert.equal(errors[0].kind, "listener");
      assert.equal((errors[0].error as Error).message, "listener broke");
      assert.equal(errors[0].action, 'run a "done" listener');
      await worker.stop();
      await within(running, "the worker's stop");
    });

    it("`on()` refuses a listener that is not a function", () => {
      const worker = h.worker();
      assert.throws(
        () => worker.on("done", "nope" as never),
        (e: unknown) =>
          e instanceof TypeError &&
          e.message ===
            'Cannot listen to worker event "done": the listener is a string, expected a function',
      );
    });
  });
}
