/**
 * Contract tests of the operating API on every backend: `q.counts()`,
 * `q.jobs()`, `q.requeue()`, `q.purge()`, `producer.queues()`,
 * `producer.workers()` and the job actions `requeue()`, `promote()`,
 * `remove()`, with workers running the jobs; and the errors for bad input.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  JobCancelledError,
  type JobContext,
  type JobInfo,
  JobNotFoundError,
  QueueNotFoundError,
  type Repid,
} from "../../mod.ts";
import { backends, type Harness } from "../support/harness.ts";
import { latch, waitFor } from "../support/wait.ts";

const ZERO = { queued: 0, deferred: 0, active: 0, done: 0, failed: 0, dead: 0, cancelled: 0 };

/** Every job of `state`, page by page (pages of `limit`). */
async function allJobs(
  producer: Repid,
  queue: string,
  state: "done" | "failed" | "dead" | "queued",
  limit: number,
): Promise<JobInfo[]> {
  const out: JobInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await producer.queue(queue).jobs({ state, limit, cursor });
    out.push(...page.jobs);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

for (const backend of backends) {
  describe(`operating queues (${backend.name})`, () => {
    const harnesses: Harness[] = [];
    const open = () => {
      const h = backend.open();
      harnesses.push(h);
      return h;
    };
    after(async () => {
      await Promise.all(harnesses.map((h) => h.close()));
    });

    it("`q.counts()` and `q.jobs()` show every finished state with its details and the worker that ran it", async () => {
      const h = open();
      const producer = h.producer();
      const worker = h.worker({ concurrency: 4, unknownActorLimit: 1 });
      worker.actor(function ops_double(n: number): number {
        return n * 2;
      }, { queue: "ops" });
      worker.actor(function ops_fail(): never {
        throw new TypeError("always wrong");
      }, { queue: "ops", retries: 1, backoff: { type: "fixed", delayMs: 10 } });
      void worker.runForever({ handleSignals: false });
      const ok = await Promise.all(
        [1, 2, 3].map((n) => producer.enqueueJob("ops_double", { queue: "ops", args: [n] })),
      );
      const failing = await producer.enqueueJob("ops_fail", { queue: "ops", args: ["x"] });
      const unknown = await producer.enqueueJob("ops_nobody", { queue: "ops" });
      for (const job of [...ok, failing, unknown]) await job.waitResult({ timeoutMs: 20_000 });
      const q = producer.queue("ops");
      assert.deepEqual(await q.counts(), { ...ZERO, done: 3, failed: 1, dead: 1 });

      const done = await allJobs(producer, "ops", "done", 2);
      assert.deepEqual(done.map((j) => j.id).sort(), ok.map((j) => j.id).sort());
      assert.deepEqual(done.map((j) => j.result?.value).sort(), [2, 4, 6]);
      assert.ok(
        done.every((j, i) => i === 0 || j.finishedAt! <= done[i - 1].finishedAt!),
        "newest first",
      );
      const [failed] = (await q.jobs({ state: "failed" })).jobs;
      assert.equal(failed.id, failing.id);
      assert.deepEqual(failed.args, ["x"]);
      assert.equal(failed.attempts, 2);
      assert.equal(failed.deliveries, 1);
      assert.equal(failed.errors.length, 2, "one error per attempt");
      for (const e of failed.errors) {
        assert.equal(e.name, "TypeError");
        assert.equal(e.message, "always wrong");
        assert.match(e.stack ?? "", /ops_fail/);
      }
      const [dead] = (await q.jobs({ state: "dead" })).jobs;
      assert.equal(dead.id, unknown.id);
      assert.equal(dead.result?.reason, "unknown_actor");

      const [live] = await waitFor("the worker's registration", async () => {
        const workers = await producer.workers();
        return workers.length === 1 ? workers : undefined;
      });
      assert.equal(failed.workerId, live.id, "the worker that ran it");
      assert.ok(done.every((j) => j.workerId === live.id));
      assert.deepEqual(live.queues, ["ops"]);
      assert.equal(live.concurrency, 4);
      assert.ok(live.since <= live.lastSeen);
      const queues = await producer.queues();
      assert.deepEqual(queues, [{ name: "ops", paused: false, counts: await q.counts() }]);
      await q.pause();
      assert.deepEqual((await producer.queues()).map((x) => x.paused), [true]);
    });

    it("`q.requeue()` runs failed jobs again with a fresh attempt budget, keeping their errors", async () => {
      const h = open();
      const producer = h.producer();
      let healthy = false;
      const worker = h.worker();
      worker.actor(function ops_flaky(n: number): number {
        if (!healthy) throw new Error(`not yet ${n}`);
        return n;
      }, { retries: 0 });
      void worker.runForever({ handleSignals: false });
      const jobs = await Promise.all(
        [1, 2].map((n) => producer.enqueueJob("ops_flaky", { args: [n] })),
      );
      for (const job of jobs) assert.equal((await job.waitResult()).status, "failed");
      healthy = true;
      const q = producer.queue("default");
      assert.equal(await q.requeue({ state: "failed" }), 2);
      for (const job of jobs) {
        const handle = (await producer.getJob(job.id))!;
        const result = await handle.waitResult({ timeoutMs: 20_000 });
        assert.equal(result.status, "done");
        assert.equal(result.attempts, 1, "a fresh attempt budget");
        assert.deepEqual(result.errors.map((e) => e.message), [`not yet ${result.value}`]);
      }
      assert.deepEqual(await q.counts(), { ...ZERO, done: 2 });
      assert.equal(await q.requeue({ state: "failed" }), 0);
    });

    it("`job.promote()`, `job.requeue()` and `job.remove()` say what they did", async () => {
      const h = open();
      const producer = h.producer();
      const worker = h.worker();
      worker.actor(function ops_echo(s: string): string {
        return s;
      });
      const later = await producer.enqueueJob("ops_echo", {
        args: ["later"],
        deferUntil: Date.now() + 3_600_000,
      });
      const queued = await producer.enqueueJob("ops_echo", { args: ["queued"] });
      assert.deepEqual(await queued.promote(), { promoted: false, status: "queued" });
      assert.deepEqual(await queued.requeue(), { requeued: false, status: "queued" });
      assert.deepEqual(await later.promote(), { promoted: true, status: "deferred" });
      void worker.runForever({ handleSignals: false });
      assert.equal((await later.waitResult({ timeoutMs: 20_000 })).value, "later");
      assert.deepEqual(await later.promote(), { promoted: false, status: "done" });
      assert.deepEqual(await later.requeue(), { requeued: true, status: "queued" });
      const again = await waitFor("the requeued job to finish again", async () => {
        const info = await later.info();
        return info?.status === "done" ? info : undefined;
      });
      assert.equal(again.result?.value, "later");
      await queued.waitResult({ timeoutMs: 20_000 });
      assert.deepEqual(await queued.remove(), { removed: true, status: "done" });
      assert.equal(await queued.status(), null);
      await assert.rejects(queued.requeue(), JobNotFoundError);
      assert.deepEqual(await producer.queue("default").counts(), { ...ZERO, done: 1 });
    });

    it("`job.remove()` of a running job cancels it first, then removes it", async () => {
      const h = open();
      const producer = h.producer();
      const started = latch();
      let reason: unknown;
      const worker = h.worker();
      worker.actor(async function ops_hold(this: JobContext): Promise<string> {
        const signal = this.signal;
        started.open();
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        reason = signal.reason;
        return "late";
      });
      void worker.runForever({ handleSignals: false });
      const job = await producer.enqueueJob("ops_hold");
      await started.opened;
      assert.deepEqual(await job.remove(), { removed: true, status: "in_progress" });
      assert.equal(await job.status(), null);
      await waitFor("the actor to see the abort", () => reason !== undefined);
      assert.ok(reason instanceof JobCancelledError);
      await waitFor("the worker to let the job go", () => worker.runningCount === 0);
      assert.equal(await job.status(), null, "the late return wrote nothing");
      assert.deepEqual(await producer.queue("default").counts(), ZERO);
    });

    it("`q.purge()` deletes every job of a state", async () => {
      const h = open();
      const producer = h.producer();
      await producer.enqueueJobs(Array.from({ length: 1_200 }, (_, i) => ({
        actor: "ops_never",
        args: [i],
      })));
      await producer.enqueueJob("ops_never", { deferUntil: Date.now() + 3_600_000 });
      const q = producer.queue("default");
      assert.equal(await q.purge({ state: "queued" }), 1_200);
      assert.deepEqual(await q.counts(), { ...ZERO, deferred: 1 });
      assert.deepEqual(await q.jobs({ state: "queued" }), { jobs: [] });
      assert.equal(await q.purge({ state: "deferred" }), 1);
      assert.deepEqual(await q.counts(), ZERO);
      assert.deepEqual(await producer.queues(), [], "an empty queue is not listed");
      await q.pause();
      assert.deepEqual(await producer.queues(), [{ name: "default", paused: true, counts: ZERO }]);
    });

    it("bad input is refused with an error naming the value", async () => {
      const h = open();
      const producer = h.producer();
      await producer.enqueueJob("ops_never", { queue: "real" });
      const q = producer.queue("real");
      await assert.rejects(
        producer.queue("imaginary").counts(),
        (e: Error) =>
          e instanceof QueueNotFoundError && e.message.includes('"imaginary"') &&
          e.message.includes('"real"'),
      );
      assert.throws(() => producer.queue(""), TypeError);
      await assert.rejects(
        q.jobs({ state: "running" as "active" }),
        (e: Error) => e instanceof RangeError && e.message.includes('"running"'),
      );
      await assert.rejects(
        q.jobs({ state: "dead", limit: -1 }),
        (e: Error) => e instanceof RangeError && e.message.includes("-1"),
      );
      await assert.rejects(
        q.jobs({ state: "dead", cursor: "not-a-cursor" }),
        (e: Error) => e instanceof RangeError && e.message.includes('"not-a-cursor"'),
      );
      await producer.enqueueJobs(
        [1, 2, 3].map((n) => ({ actor: "ops_never", queue: "real", args: [n] })),
      );
      const { cursor } = await q.jobs({ state: "queued", limit: 1 });
      assert.ok(cursor);
      await assert.rejects(
        q.jobs({ state: "deferred", cursor }),
        (e: Error) => e instanceof RangeError && e.message.includes('state "queued"'),
      );
      await assert.rejects(
        q.requeue({ state: "queued" as "dead" }),
        (e: Error) => e instanceof RangeError && e.message.includes('"queued"'),
      );
      await assert.rejects(
        q.purge({ state: "active" as "done" }),
        (e: Error) => e instanceof RangeError && e.message.includes('"active"'),
      );
      assert.equal(await producer.getJob("no-such-job", { queue: "real" }), null);
    });
  });
}
