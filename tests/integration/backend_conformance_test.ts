/**
 * The backend conformance suite: every case drives the `Backend` interface
 * directly (no `Worker`, no `Repid`) and runs on each store, so that the two
 * stores give the same answers to the same calls. A new store passes it
 * before anything else.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Backend, PagePosition } from "../../src/backend/backend.ts";
import { MemoryBackend, storedJobFields } from "../../src/backend/memory/memory_backend.ts";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import type { Completion, JobInfo, NewJob } from "../../src/core/job.ts";
import type { NewSchedule } from "../../src/core/schedule.ts";
import type { Retention } from "../../src/core/queue_state.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { waitFor, within } from "../support/wait.ts";
import { flowConformance } from "../support/flow_conformance.ts";

/** One store under test. */
interface Store {
  readonly backend: Backend;
  /** Overwrites one stored field of a job, as a damaged or foreign writer would. */
  setJobField(queue: string, id: string, field: string, value: string): Promise<void>;
  /** Makes the lease of job `id` of `queue` expire now. */
  expireLease(queue: string, id: string): Promise<void>;
  close(): Promise<void>;
}

interface StoreCase {
  name: string;
  open(options?: { retention?: Retention }): Store;
}

const stores: StoreCase[] = [
  {
    name: "redis",
    open(options = {}) {
      const prefix = testPrefix("conformance");
      const backend = new RedisBackend(REDIS_URL, { prefix, ...options });
      return {
        backend,
        async setJobField(queue, id, field, value) {
          await backend.client.hset(backend.keys(queue).jobPrefix + id, field, value);
        },
        async expireLease(queue, id) {
          const k = backend.keys(queue);
          await backend.client.zadd(k.active, 0, id);
          // a lease that expired at 0 is before any lease hint: the hint goes (fetch then looks)
          await backend.client.del(k.leaseHint);
        },
        async close() {
          await backend.close();
          await cleanup(prefix);
        },
      };
    },
  },
  {
    name: "memory",
    open(options = {}) {
      // the clock jumps past a lease to make it expire (see expireLease)
      let skew = 0;
      const backend = new MemoryBackend({ now: () => Date.now() + skew, ...options });
      return {
        backend,
        expireLease() {
          skew += 31_000; // past the 30 s leases of these cases
          return Promise.resolve();
        },
        setJobField(queue, id, field, value) {
          const fields = storedJobFields(backend, queue, id);
          assert.ok(fields, `job ${id} is stored`);
          fields[field] = value;
          return Promise.resolve();
        },
        async close() {
          backend.clear();
          await backend.close();
        },
      };
    },
  },
];

function job(id: string, fields: Partial<NewJob> = {}): NewJob {
  return { id, customId: true, queue: "q", actor: "a", argsJson: "[]", dueAt: 0, ...fields };
}

function done(id: string, token: string, valueJson = "null"): Completion {
  return {
    id,
    token,
    status: "done",
    valueJson,
    error: null,
    errors: [],
    attempts: 1,
    ttlMs: 60_000,
  };
}

for (const store of stores) {
  describe(`Backend conformance (${store.name})`, () => {
    const opened: Store[] = [];
    const open = (options?: { retention?: Retention }) => {
      const s = store.open(options);
      opened.push(s);
      return s;
    };
    after(async () => {
      await Promise.all(opened.map((s) => s.close()));
    });

    flowConformance(open);

    it("`enqueue()` keeps an unfinished job with the same id", async () => {
      const b = open().backend;
      const [first] = await b.enqueue([job("same", { argsJson: "[1]" })]);
      const [second] = await b.enqueue([job("same", { argsJson: "[2]" })]);
      assert.deepEqual(first, { created: true, status: "queued", enqueuedAt: first.enqueuedAt });
      assert.ok(first.enqueuedAt > 0);
      assert.deepEqual(second, {
        created: false,
        status: "queued",
        enqueuedAt: first.enqueuedAt,
      }, "the kept job's enqueue time");
      const { jobs } = await b.fetch("q", 5, 30_000, "t");
      assert.deepEqual(jobs.map((j) => j.argsJson), ["[1]"]);
    });

    it("`enqueue()` of many jobs on one queue keeps their order and dedupes a repeated id", async () => {
      const b = open().backend;
      const out = await b.enqueue([job("a"), job("b"), job("a"), job("c")]);
      assert.deepEqual(out.map((o) => o.created), [true, true, false, true]);
      const { jobs } = await b.fetch("q", 10, 30_000, "t");
      assert.deepEqual(jobs.map((j) => j.id), ["a", "b", "c"]);
      assert.deepEqual(jobs.map((j) => j.deliveries), [1, 1, 1]);
    });

    it("`fetch()` leases jobs that a stale token can no longer write", async () => {
      const b = open().backend;
      await b.enqueue([job("j", { options: { timeoutMs: 5_000 } })]);
      const { jobs } = await b.fetch("q", 1, 30_000, "t1");
      assert.equal(jobs.length, 1);
      assert.deepEqual(jobs[0].options, { timeoutMs: 5_000 });
      assert.equal((await b.getJob("q", "j"))?.status, "in_progress");
      assert.deepEqual(await b.extendLeases("q", [{ id: "j", token: "other" }], 30_000), {
        lost: ["j"],
        cancelled: [],
      });
      assert.deepEqual(await b.extendLeases("q", [{ id: "j", token: "t1" }], 30_000), {
        lost: [],
        cancelled: [],
      });
      assert.equal(await b.recordAttempt("q", "j", "other", 1, []), false);
      assert.deepEqual(await b.complete("q", [done("j", "other")]), [false]);
      assert.equal(
        await b.deadLetter("q", "j", "other", "x", { name: "E", message: "m" }, 1_000),
        false,
      );
      assert.deepEqual(await b.release("q", [{ id: "j", token: "other" }]), [false]);
      assert.equal((await b.getJob("q", "j"))?.status, "in_progress", "nothing changed");
    });

    it("`recordAttempt()` then `complete()` store the attempts and the result", async () => {
      const b = open().backend;
      await b.enqueue([job("j")]);
      await b.fetch("q", 1, 30_000, "t");
      const err = { name: "Error", message: "first try" };
      assert.equal(await b.recordAttempt("q", "j", "t", 1, [err]), true);
      assert.deepEqual(
        await b.complete("q", [{ ...done("j", "t", '{"n":1}'), attempts: 2, errors: [err] }]),
        [
          true,
        ],
      );
      const info = await b.getJob("q", "j");
      assert.equal(info?.status, "done");
      assert.deepEqual(info?.result?.value, { n: 1 });
      assert.equal(info?.result?.attempts, 2);
      assert.deepEqual(info?.result?.errors, [err]);
      assert.equal(info?.result?.success, true);
      assert.equal(await b.getJob("q", "unknown"), null);
    });

    it("`readResults()` answers per id: the result, unfinished, or null", async () => {
      const b = open().backend;
      await b.enqueue([job("fin"), job("open")]);
      await b.fetch("q", 1, 30_000, "t");
      await b.complete("q", [done("fin", "t", '"ok"')]);
      const [fin, open_, unknown] = await b.readResults("q", ["fin", "open", "nope"]);
      assert.deepEqual(fin, (await b.getJob("q", "fin"))?.result);
      assert.equal(open_, "unfinished");
      assert.equal(unknown, null);
      assert.deepEqual(await b.readResults("q", []), []);
    });

    it("`release()` puts jobs back at the head in their order", async () => {
      const b = open().backend;
      await b.enqueue([job("a"), job("b"), job("c")]);
      const { jobs } = await b.fetch("q", 2, 30_000, "t");
      const res = await b.release("q", [
        ...jobs.map((j) => ({ id: j.id, token: j.token })),
        { id: "c", token: "t" },
      ]);
      assert.deepEqual(res, [true, true, false]);
      const again = await b.fetch("q", 3, 30_000, "t2");
      assert.deepEqual(again.jobs.map((j) => j.id), ["a", "b", "c"]);
    });

    it("`requeue()` puts a job back, then dead-letters it at the delivery limit", async () => {
      const b = open().backend;
      const seen: { id: string; info?: JobInfo }[] = [];
      await b.onFinished("q", (id, info) => seen.push({ id, info }));
      await b.enqueue([job("x", { actor: "unknown" })]);
      const request = (token: string) => ({
        id: "x",
        token,
        delayMs: 0,
        maxDeliveries: 2,
        reason: "unknown_actor",
        ttlMs: 60_000,
      });
      await b.fetch("q", 1, 30_000, "t1");
      assert.equal(await b.requeue("q", request("t1")), "requeued");
      const redelivered = await b.fetch("q", 1, 30_000, "t2");
      assert.deepEqual(redelivered.jobs.map((j) => j.deliveries), [2]);
      assert.equal(await b.requeue("q", request("t1")), "lost");
      assert.equal(await b.requeue("q", request("t2")), "dead");
      const info = await b.getJob("q", "x");
      assert.equal(info?.status, "dead");
      assert.equal(info?.result?.reason, "unknown_actor");
      assert.equal(info?.result?.error?.name, "DeadLetterError");
      await waitFor("the finished notification", () => seen.length === 1);
      assert.deepEqual(seen, [{ id: "x", info: undefined }], "a dead letter is announced by id");
    });

    it("`deadLetter()` ends a leased job with its reason", async () => {
      const b = open().backend;
      await b.enqueue([job("d")]);
      await b.fetch("q", 1, 30_000, "t");
      const error = { name: "MalformedJobError", message: "bad arguments" };
      assert.equal(await b.deadLetter("q", "d", "t", "malformed", error, 60_000), true);
      const info = await b.getJob("q", "d");
      assert.equal(info?.status, "dead");
      assert.equal(info?.result?.reason, "malformed");
      assert.deepEqual(info?.result?.error, error);
      assert.equal((await b.fetch("q", 1, 30_000, "t")).jobs.length, 0);
    });

    it("`fetch()` dead-letters a job with an over-long id in its own record and announces it", async () => {
      const b = open().backend;
      const long = "é".repeat(150); // 300 bytes
      const seen: string[] = [];
      await b.onFinished("q", (id) => seen.push(id));
      await b.enqueue([job(long), job("fine")]);
      const { jobs } = await b.fetch("q", 2, 30_000, "t");
      assert.deepEqual(jobs.map((j) => j.id), ["fine"], "the bad entry does not stop the queue");
      await waitFor("the finished notification", () => seen.length === 1);
      assert.deepEqual(seen, [long]);
      const info = await b.getJob("q", long);
      assert.equal(info?.status, "dead");
      assert.equal(info?.result?.reason, "malformed");
      assert.equal(info?.result?.error?.name, "MalformedJobError");
      assert.match(
        info?.result?.error?.message ?? "",
        /300 bytes long, expected at most 256 bytes/,
      );
      const hashed = `malformed:${createHash("sha1").update(long).digest("hex")}`;
      assert.equal(await b.getJob("q", hashed), null, "nothing recorded elsewhere");
    });

    it("`fetch()` dead-letters a job whose stored status is unknown", async () => {
      const s = open();
      const b = s.backend;
      await b.enqueue([job("odd"), job("fine")]);
      await s.setJobField("q", "odd", "status", "paused-by-hand");
      const { jobs } = await b.fetch("q", 2, 30_000, "t");
      assert.deepEqual(jobs.map((j) => j.id), ["fine"]);
      const info = await b.getJob("q", "odd");
      assert.equal(info?.status, "dead");
      assert.equal(info?.result?.reason, "malformed");
      assert.equal(info?.result?.error?.name, "MalformedJobError");
      assert.equal(
        info?.result?.error?.message,
        'job "odd" has an unknown status "paused-by-hand"',
      );
    });

    it("`onFinished()` carries the finished job's state, until unsubscribed", async () => {
      const b = open().backend;
      const seen: { id: string; info?: JobInfo }[] = [];
      const stop = await b.onFinished("q", (id, info) => seen.push({ id, info }));
      await b.enqueue([job("a"), job("b")]);
      await b.fetch("q", 2, 30_000, "t");
      await b.complete("q", [done("a", "t", '{"v":[1,2]}')]);
      await waitFor("the notification", () => seen.length === 1);
      assert.equal(seen[0].id, "a");
      const read = await b.getJob("q", "a");
      assert.deepEqual(seen[0].info?.result, read?.result, "the result, without a read");
      assert.equal(seen[0].info?.status, "done");
      assert.deepEqual(seen[0].info?.result?.value, { v: [1, 2] });
      await stop();
      await b.complete("q", [done("b", "t")]);
      assert.equal((await b.getJob("q", "b"))?.status, "done");
      assert.equal(seen.length, 1, "no call after unsubscribing");
    });

    it("`throughput()` counts the jobs finished per minute and status, every minute present", async () => {
      const b = open().backend;
      const since = await b.time("q") - 2 * 60_000;
      await b.enqueue([job("t1"), job("t2"), job("t3"), job("t4")]);
      await b.fetch("q", 4, 30_000, "t");
      await b.complete("q", [done("t1", "t"), done("t2", "t"), {
        ...done("t3", "t"),
        status: "failed",
      }]);
      await b.deadLetter("q", "t4", "t", "malformed", { name: "E", message: "m" }, 60_000);
      const rows = await b.throughput("q", since);
      assert.ok(
        rows.length === 3 || rows.length === 4,
        `minutes from since to now: ${rows.length}`,
      );
      for (let i = 1; i < rows.length; i++) assert.equal(rows[i].at - rows[i - 1].at, 60_000);
      const sum = (k: "done" | "failed" | "dead" | "cancelled") =>
        rows.reduce((n, r) => n + r[k], 0);
      assert.deepEqual(
        {
          done: sum("done"),
          failed: sum("failed"),
          dead: sum("dead"),
          cancelled: sum("cancelled"),
        },
        { done: 2, failed: 1, dead: 1, cancelled: 0 },
      );
      const day = await b.throughput("q", 0);
      assert.equal(day.length, 24 * 60 + 1, "kept 24 hours: an earlier start reads from then");
      assert.deepEqual(
        await b.throughput("other", since).then((r) => r.every((m) => m.done === 0)),
        true,
      );
    });

    it("`setProgress()` stores a leased job's progress and announces it; `onFinished()` ignores it", async () => {
      const b = open().backend;
      const events: unknown[] = [];
      const finished: string[] = [];
      const stopEvents = await b.onQueueEvents("q", (e) => events.push(e));
      const stopFinished = await b.onFinished("q", (id) => finished.push(id));
      await b.enqueue([job("p")]);
      await b.fetch("q", 1, 30_000, "t");
      assert.equal(await b.setProgress("q", "p", "other", "1"), false, "a stale token is refused");
      assert.equal(await b.setProgress("q", "p", "t", '{"pct":50}'), true);
      assert.deepEqual((await b.getJob("q", "p"))?.progress, { pct: 50 });
      await b.complete("q", [done("p", "t", '"ok"')]);
      await waitFor("the finished event", () => events.length === 2);
      assert.deepEqual(events[0], { type: "progress", id: "p", progress: { pct: 50 } });
      // the finished message carries the result (the progress is read with getJob())
      const last = events[1] as { type: string; id: string; info?: JobInfo };
      assert.deepEqual([last.type, last.id], ["finished", "p"]);
      assert.deepEqual(last.info?.result, (await b.getJob("q", "p"))?.result);
      assert.deepEqual(finished, ["p"], "the progress message is no finished job");
      assert.deepEqual((await b.getJob("q", "p"))?.progress, { pct: 50 }, "kept once finished");
      assert.equal(await b.setProgress("q", "p", "t", "2"), false, "refused once finished");
      await stopEvents();
      await stopFinished();
    });

    it("`onFinished()` announces a result over the inline limit by id only", async () => {
      const b = open().backend;
      const seen: { id: string; info?: JobInfo }[] = [];
      await b.onFinished("q", (id, info) => seen.push({ id, info }));
      await b.enqueue([job("big")]);
      await b.fetch("q", 1, 30_000, "t");
      await b.complete("q", [done("big", "t", JSON.stringify("x".repeat(10_000)))]);
      await waitFor("the notification", () => seen.length === 1);
      assert.deepEqual(seen, [{ id: "big", info: undefined }]);
    });

    it("`waitForWork()` wakes at once on enqueue, release and requeue", async () => {
      const b = open().backend;
      const signal = new AbortController().signal;
      // nothing to do: the marker is cleared by an empty fetch
      await b.fetch("q", 1, 30_000, "t");

      const onEnqueue = b.waitForWork("q", 600_000, signal);
      await b.enqueue([job("e")]);
      await within(onEnqueue, "wake-up on enqueue");
      const { jobs } = await b.fetch("q", 1, 30_000, "t");

      const onRelease = b.waitForWork("q", 600_000, signal);
      await b.release("q", [{ id: jobs[0].id, token: "t" }]);
      await within(onRelease, "wake-up on release");
      await b.fetch("q", 1, 30_000, "t2");

      const onRequeue = b.waitForWork("q", 600_000, signal);
      await b.requeue("q", {
        id: "e",
        token: "t2",
        delayMs: 0,
        maxDeliveries: 0,
        reason: "unknown_actor",
        ttlMs: 1_000,
      });
      await within(onRequeue, "wake-up on requeue");
    });

    it("`waitForWork()` ends after its timeout and on abort", async () => {
      const b = open().backend;
      await b.fetch("q", 1, 30_000, "t");
      await within(b.waitForWork("q", 20, new AbortController().signal), "the timeout");
      const controller = new AbortController();
      const aborted = b.waitForWork("q", 600_000, controller.signal);
      controller.abort();
      await within(aborted, "the abort");
    });

    it("`declarePartitions()` records the first count and returns it ever after; `readPartitions()` reads it (1 when none)", async () => {
      const b = open().backend;
      assert.equal(await b.readPartitions!("parted"), 1);
      assert.equal(await b.declarePartitions!("parted", 4), 4);
      assert.equal(await b.declarePartitions!("parted", 2), 4);
      assert.equal(await b.readPartitions!("parted"), 4);
      assert.equal(await b.readPartitions!("other"), 1);
    });

    it("`pauseQueue()` stops every fetch leasing a job of the queue until `resumeQueue()`; enqueueing still works", async () => {
      const b = open().backend;
      assert.equal(await b.isQueuePaused("q"), false);
      assert.equal(await b.pauseQueue("q"), true);
      assert.equal(await b.pauseQueue("q"), false, "already paused");
      assert.equal(await b.isQueuePaused("q"), true);
      assert.equal(await b.isQueuePaused("other"), false, "only that queue");
      const [queued] = await b.enqueue([job("a"), job("due", { dueAt: 1 })]);
      assert.equal(queued.status, "queued");
      const paused = await b.fetch("q", 5, 30_000, "t");
      assert.deepEqual(paused, { jobs: [], wakeInMs: -1 }, "nothing leased, no wake-up");
      assert.equal((await b.getJob("q", "a"))?.status, "queued");
      assert.equal(await b.resumeQueue("q"), true);
      assert.equal(await b.resumeQueue("q"), false, "not paused any more");
      assert.equal(await b.isQueuePaused("q"), false);
      const { jobs } = await b.fetch("q", 5, 30_000, "t");
      assert.deepEqual(jobs.map((j) => j.id).sort(), ["a", "due"]);
    });

    it("`resumeQueue()` wakes a worker waiting for work at once; enqueueing into a paused queue wakes it too", async () => {
      const b = open().backend;
      const signal = new AbortController().signal;
      await b.pauseQueue("q");
      await b.enqueue([job("a")]);
      await b.fetch("q", 1, 30_000, "t"); // paused: takes the work marker away
      const waiting = b.waitForWork("q", 600_000, signal);
      await b.enqueue([job("b")]);
      await within(waiting, "the wake-up of the enqueue");
      assert.deepEqual((await b.fetch("q", 1, 30_000, "t")).jobs, []);
      const waitingAgain = b.waitForWork("q", 600_000, signal);
      await b.resumeQueue("q");
      await within(waitingAgain, "the wake-up of resumeQueue()");
      const { jobs } = await b.fetch("q", 5, 30_000, "t");
      assert.deepEqual(jobs.map((j) => j.id), ["a", "b"]);
    });

    it("`completeAndFetch()` on a paused queue acks and leases nothing", async (t) => {
      const b = open().backend;
      if (!b.completeAndFetch) return t.skip("the store does not offer it (it is optional)");
      await b.enqueue([job("a"), job("b")]);
      await b.fetch("q", 1, 30_000, "t");
      await b.pauseQueue("q");
      const { acked, fetched } = await b.completeAndFetch("q", [done("a", "t")], {
        max: 5,
        leaseMs: 30_000,
        token: "t2",
      });
      assert.deepEqual(acked, [true]);
      assert.deepEqual(fetched.jobs, []);
      assert.equal((await b.getJob("q", "b"))?.status, "queued");
    });

    it("`cancelJob()` of a queued or deferred job: it never starts, its result says cancelled, and it is announced finished", async () => {
      const b = open().backend;
      const seen: string[] = [];
      const off = await b.onFinished("q", (id) => seen.push(id));
      await b.enqueue([job("a"), job("later", { dueAt: Date.now() + 600_000 }), job("b")]);
      assert.deepEqual(await b.cancelJob("q", "a"), {
        cancelled: true,
        before: "queued",
        options: {},
      });
      const deferred = await b.cancelJob("q", "later");
      assert.deepEqual(deferred, { cancelled: true, before: "deferred", options: {} });
      const { jobs } = await b.fetch("q", 5, 30_000, "t");
      assert.deepEqual(jobs.map((j) => j.id), ["b"], "the cancelled jobs left their queue");
      const counts = await b.queueCounts("q");
      assert.deepEqual([counts.queued, counts.deferred, counts.active, counts.cancelled], [
        0,
        0,
        1,
        2,
      ]);
      const info = await b.getJob("q", "a");
      assert.equal(info?.status, "cancelled");
      assert.equal(info?.result?.status, "cancelled");
      assert.equal(info?.result?.success, false);
      assert.deepEqual(info?.result?.error, {
        name: "JobCancelledError",
        message: 'Job "a" was cancelled',
      });
      assert.ok((info?.result?.finishedAt ?? 0) > 0);
      assert.deepEqual(
        await b.readResults("q", ["later"]).then((r) =>
          r.map((x) => x !== "unfinished" && x?.status)
        ),
        ["cancelled"],
      );
      await waitFor("the finished announcements", () => seen.length === 2);
      assert.deepEqual(seen.sort(), ["a", "later"]);
      await off();
    });

    it("`cancelJob()` of a finished or unknown job changes nothing and says so", async () => {
      const b = open().backend;
      await b.enqueue([job("a")]);
      await b.fetch("q", 1, 30_000, "t");
      await b.complete("q", [done("a", "t", "5")]);
      assert.deepEqual(await b.cancelJob("q", "a"), {
        cancelled: false,
        before: "done",
        options: {},
      });
      assert.equal((await b.getJob("q", "a"))?.result?.value, 5);
      assert.deepEqual(await b.cancelJob("q", "nope"), {
        cancelled: false,
        before: null,
        options: {},
      });
      await b.enqueue([job("c")]);
      await b.cancelJob("q", "c");
      assert.deepEqual(await b.cancelJob("q", "c"), {
        cancelled: false,
        before: "cancelled",
        options: {},
      }, "cancelled once");
    });

    it("`cancelJob()` of a running job: its worker is told, its writes are refused and its renewal reports it cancelled", async () => {
      const b = open().backend;
      const told: [string, string][] = [];
      const off = await b.onCancel("q", (id, token) => told.push([id, token]));
      await b.enqueue([job("run", { options: { resultTtlMs: 5_000 } }), job("other")]);
      await b.fetch("q", 2, 30_000, "t1");
      const outcome = await b.cancelJob("q", "run");
      assert.deepEqual(outcome, {
        cancelled: true,
        before: "in_progress",
        options: { resultTtlMs: 5_000 },
      });
      await waitFor("the cancel message", () => told.length === 1);
      assert.deepEqual(told, [["run", "t1"]]);
      assert.deepEqual(
        await b.extendLeases(
          "q",
          [{ id: "run", token: "t1" }, { id: "other", token: "t1" }],
          30_000,
        ),
        { lost: ["run"], cancelled: ["run"] },
      );
      assert.deepEqual(
        await b.extendLeases("q", [{ id: "run", token: "stale" }], 30_000),
        { lost: ["run"], cancelled: [] },
        "only the lease it was cancelled under",
      );
      assert.deepEqual(
        await b.complete("q", [done("run", "t1", "7")]),
        [false],
        "the late ack loses",
      );
      assert.equal(await b.recordAttempt("q", "run", "t1", 1, []), false);
      assert.deepEqual(await b.release("q", [{ id: "run", token: "t1" }]), [false]);
      const info = await b.getJob("q", "run");
      assert.equal(info?.status, "cancelled");
      assert.equal(info?.result?.value, null, "no late value");
      assert.deepEqual((await b.fetch("q", 5, 30_000, "t2")).jobs, [], "not delivered again");
      await off();
    });

    it("`cancelJob()` and an ack race: exactly one of them wins, and each says so", async () => {
      const b = open().backend;
      const ids = Array.from({ length: 40 }, (_, i) => `r${i}`);
      await b.enqueue(ids.map((id) => job(id)));
      await b.fetch("q", ids.length, 30_000, "t");
      // Half the pairs sent ack first, half cancel first: the store orders each pair.
      const outcomes = await Promise.all(ids.map(async (id, i) => {
        const ack = () => b.complete("q", [done(id, "t", "1")]).then(([ok]) => ok);
        const cancel = () => b.cancelJob("q", id).then((o) => o.cancelled);
        const [acked, cancelled] = i % 2 === 0
          ? await Promise.all([ack(), cancel()])
          : await Promise.all([cancel(), ack()]).then(([c, a]) => [a, c]);
        return { id, acked, cancelled };
      }));
      for (const { id, acked, cancelled } of outcomes) {
        assert.notEqual(acked, cancelled, `one winner for ${id}`);
        const status = (await b.getJob("q", id))?.status;
        assert.equal(status, acked ? "done" : "cancelled", `the stored outcome of ${id}`);
      }
    });

    it("`completeAndFetch()` acks first, then leases the next jobs", async (t) => {
      const b = open().backend;
      if (!b.completeAndFetch) return t.skip("the store does not offer it (it is optional)");
      await b.enqueue([job("a"), job("b")]);
      await b.fetch("q", 1, 30_000, "t");
      const { acked, fetched } = await b.completeAndFetch("q", [done("a", "t", "7")], {
        max: 5,
        leaseMs: 30_000,
        token: "t2",
      });
      assert.deepEqual(acked, [true]);
      assert.deepEqual(fetched.jobs.map((j) => j.id), ["b"]);
      assert.equal((await b.getJob("q", "a"))?.result?.value, 7);
    });

    it("`queueCounts()` counts the jobs of every state exactly", async () => {
      const b = open().backend;
      const zero = { queued: 0, deferred: 0, active: 0, done: 0, failed: 0, dead: 0, cancelled: 0 };
      assert.deepEqual(await b.queueCounts("q"), zero);
      await b.enqueue([
        job("ok"),
        job("bad"),
        job("gone"),
        job("run"),
        job("wait"),
        job("later", { dueAt: Date.now() + 3_600_000 }),
      ]);
      assert.deepEqual(await b.queueCounts("q"), { ...zero, queued: 5, deferred: 1 });
      await b.fetch("q", 4, 30_000, "t");
      const error = { name: "Error", message: "no" };
      await b.complete("q", [
        done("ok", "t"),
        { ...done("bad", "t"), status: "failed", error, errors: [error] },
      ]);
      await b.deadLetter("q", "gone", "t", "malformed", error, 60_000);
      assert.deepEqual(await b.queueCounts("q"), {
        ...zero,
        queued: 1,
        deferred: 1,
        active: 1,
        done: 1,
        failed: 1,
        dead: 1,
      });
      // a finished id enqueued again leaves its finished state: never in two states
      await b.enqueue([job("ok")]);
      assert.deepEqual(await b.queueCounts("q"), {
        ...zero,
        queued: 2,
        deferred: 1,
        active: 1,
        failed: 1,
        dead: 1,
      });
      assert.deepEqual(await b.queueCounts("other"), zero);
    });

    it("`queueCounts()` stops counting a finished job once its record expired", async () => {
      const b = open().backend;
      await b.enqueue([job("short"), job("long")]);
      await b.fetch("q", 2, 30_000, "t");
      await b.complete("q", [{ ...done("short", "t"), ttlMs: 300 }, done("long", "t")]);
      assert.equal((await b.queueCounts("q")).done, 2);
      await waitFor("the short result to expire", async () => !(await b.getJob("q", "short")));
      assert.equal((await b.queueCounts("q")).done, 1, "the expired job is not counted");
      // the next finishing job trims the expired entry from the index
      await b.enqueue([job("next")]);
      await b.fetch("q", 1, 30_000, "t");
      await b.complete("q", [done("next", "t")]);
      assert.equal((await b.queueCounts("q")).done, 2);
    });

    it("`retention` keeps at most N finished jobs per state, the newest", async () => {
      const b = open({ retention: { done: 2, dead: 1 } }).backend;
      for (const id of ["d1", "d2", "d3"]) {
        await b.enqueue([job(id)]);
        await b.fetch("q", 1, 30_000, "t");
        await b.complete("q", [done(id, "t")]);
      }
      for (const id of ["x1", "x2"]) {
        await b.enqueue([job(id)]);
        await b.fetch("q", 1, 30_000, "t");
        await b.deadLetter("q", id, "t", "malformed", { name: "E", message: "m" }, 60_000);
      }
      const counts = await b.queueCounts("q");
      assert.equal(counts.done, 2);
      assert.equal(counts.dead, 1);
      assert.equal(await b.getJob("q", "d1"), null, "the oldest done job is gone");
      assert.equal((await b.getJob("q", "d3"))?.status, "done");
      assert.equal(await b.getJob("q", "x1"), null);
      assert.equal((await b.getJob("q", "x2"))?.status, "dead");
    });

    it("`listJobs()` pages through every state newest first, with the job's details", async () => {
      const b = open().backend;
      const error = { name: "Error", message: "boom", stack: "Error: boom\n    at x" };
      await b.enqueue([job("f1", { argsJson: '["a",1]' }), job("f2"), job("f3")]);
      await b.fetch("q", 3, 30_000, "w-1");
      await b.recordAttempt("q", "f1", "w-1", 1, [error]);
      await b.complete("q", [
        { ...done("f1", "w-1"), status: "failed", error, errors: [error, error], attempts: 2 },
      ]);
      await b.complete("q", [{ ...done("f2", "w-1"), status: "failed", error, errors: [error] }]);
      await b.complete("q", [{ ...done("f3", "w-1"), status: "failed", error, errors: [error] }]);
      const ids: string[] = [];
      let cursor: PagePosition | undefined;
      const pages: number[] = [];
      do {
        const page = await b.listJobs("q", "failed", 2, cursor);
        pages.push(page.jobs.length);
        ids.push(...page.jobs.map((j) => j.id));
        cursor = page.next;
      } while (cursor);
      assert.deepEqual(pages, [2, 1]);
      assert.deepEqual(ids.sort(), ["f1", "f2", "f3"]);
      const f1 = (await b.listJobs("q", "failed", 10)).jobs.find((j) => j.id === "f1")!;
      assert.equal(f1.status, "failed");
      assert.deepEqual(f1.args, ["a", 1]);
      assert.deepEqual(f1.errors, [error, error]);
      assert.equal(f1.attempts, 2);
      assert.equal(f1.deliveries, 1);
      assert.equal(f1.stalls, 0);
      assert.equal(f1.workerId, "w");
      assert.ok(f1.startedAt! >= f1.enqueuedAt && f1.finishedAt! >= f1.startedAt!);
      assert.deepEqual(f1.result?.error, error);

      // queued: the last enqueued first, and the cursor survives jobs leaving the queue
      await b.enqueue([job("q1"), job("q2"), job("q3"), job("q4")]);
      const first = await b.listJobs("q", "queued", 2);
      assert.deepEqual(first.jobs.map((j) => j.id), ["q4", "q3"]);
      await b.fetch("q", 1, 30_000, "w2-1"); // q1 leaves the queue
      await b.enqueue([job("q5")]);
      const second = await b.listJobs("q", "queued", 2, first.next);
      assert.deepEqual(second.jobs.map((j) => j.id), ["q2"]);
      assert.equal(second.next, undefined);
      assert.deepEqual((await b.listJobs("q", "active", 10)).jobs.map((j) => j.id), ["q1"]);
      assert.equal((await b.listJobs("q", "active", 10)).jobs[0].workerId, "w2");
      await b.enqueue([
        job("later", { dueAt: Date.now() + 7_200_000 }),
        job("soon", { dueAt: Date.now() + 3_600_000 }),
      ]);
      const deferred = await b.listJobs("q", "deferred", 10);
      assert.deepEqual(deferred.jobs.map((j) => j.id), ["later", "soon"]);
      assert.ok(deferred.jobs[0].dueAt! > deferred.jobs[1].dueAt!);
      assert.deepEqual(await b.listJobs("q", "cancelled", 10), { jobs: [] });

      // a cursor whose job left the state resumes at its position
      const top = await b.listJobs("q", "failed", 1);
      assert.deepEqual(await b.removeJob("q", top.jobs[0].id), { done: true, status: "failed" });
      const rest = await b.listJobs("q", "failed", 10, top.next);
      assert.deepEqual(
        rest.jobs.map((j) => j.id),
        ids.filter((id) => id !== top.jobs[0].id).sort().reverse(),
      );
    });

    it("`listJobs()` skips finished jobs whose record expired", async () => {
      const b = open().backend;
      await b.enqueue([job("keep"), job("short")]);
      await b.fetch("q", 2, 30_000, "t");
      await b.complete("q", [done("keep", "t"), { ...done("short", "t"), ttlMs: 200 }]);
      await waitFor("the short result to expire", async () => !(await b.getJob("q", "short")));
      assert.deepEqual((await b.listJobs("q", "done", 10)).jobs.map((j) => j.id), ["keep"]);
    });

    it("`requeueJob()` sends a finished job through again with a fresh budget and its history", async () => {
      const b = open().backend;
      const error = { name: "Error", message: "first run" };
      await b.enqueue([job("r", { argsJson: "[7]" }), job("open")]);
      await b.fetch("q", 1, 30_000, "t");
      await b.complete("q", [{ ...done("r", "t"), status: "failed", error, errors: [error] }]);
      assert.deepEqual(await b.requeueJob("q", "open"), { done: false, status: "queued" });
      assert.deepEqual(await b.requeueJob("q", "nope"), { done: false, status: null });
      assert.deepEqual(await b.requeueJob("q", "r"), { done: true, status: "failed" });
      const info = await b.getJob("q", "r");
      assert.equal(info?.status, "queued");
      assert.equal(info?.attempts, 0);
      assert.equal(info?.deliveries, 0);
      assert.deepEqual(info?.errors, [error], "earlier errors are kept");
      assert.equal(info?.result, null);
      const counts = await b.queueCounts("q");
      assert.equal(counts.failed, 0, "never in two states");
      assert.equal(counts.queued, 2);
      const { jobs } = await b.fetch("q", 2, 30_000, "t2");
      const again = jobs.find((j) => j.id === "r")!;
      assert.equal(again.argsJson, "[7]");
      assert.equal(again.attempts, 0);
      assert.deepEqual(again.errors, [error]);
      assert.deepEqual(await b.complete("q", [done("r", "t2")]), [true]);
      assert.equal((await b.getJob("q", "r"))?.status, "done");
    });

    it("`requeueFinished()` and `purgeJobs()` work in bounded batches, oldest first", async () => {
      const b = open().backend;
      const ids = Array.from({ length: 5 }, (_, i) => `d${i}`);
      await b.enqueue(ids.map((id) => job(id)));
      await b.fetch("q", 5, 30_000, "t");
      for (const id of ids) {
        await b.deadLetter("q", id, "t", "malformed", { name: "E", message: "m" }, 60_000);
      }
      assert.deepEqual(await b.requeueFinished("q", "dead", 2), { moved: 2, passed: 2 });
      assert.equal((await b.queueCounts("q")).dead, 3);
      assert.deepEqual(
        (await b.listJobs("q", "queued", 10)).jobs.map((j) => j.id),
        ["d1", "d0"],
        "the oldest dead went first",
      );
      assert.deepEqual(await b.purgeJobs("q", "dead", 10), { moved: 3, passed: 3 });
      assert.deepEqual(await b.purgeJobs("q", "queued", 1), { moved: 1, passed: 1 });
      assert.equal(await b.getJob("q", "d0"), null);
      assert.equal(await b.getJob("q", "d4"), null);
      const counts = await b.queueCounts("q");
      assert.equal(counts.dead, 0);
      assert.equal(counts.queued, 1);
      await b.enqueue([job("x", { dueAt: Date.now() + 60_000 })]);
      assert.deepEqual(await b.purgeJobs("q", "deferred", 10), { moved: 1, passed: 1 });
      assert.equal((await b.queueCounts("q")).deferred, 0);
    });

    it("`promoteJob()` makes a deferred job due now; other states are left as they are", async () => {
      const b = open().backend;
      await b.enqueue([job("later", { dueAt: Date.now() + 3_600_000 }), job("now")]);
      assert.deepEqual(await b.promoteJob("q", "now"), { done: false, status: "queued" });
      assert.deepEqual(await b.promoteJob("q", "nope"), { done: false, status: null });
      assert.deepEqual(await b.promoteJob("q", "later"), { done: true, status: "deferred" });
      const { jobs } = await b.fetch("q", 2, 30_000, "t");
      assert.deepEqual(jobs.map((j) => j.id), ["later", "now"], "the promoted job is due first");
      await b.complete("q", [done("later", "t")]);
      assert.deepEqual(await b.promoteJob("q", "later"), { done: false, status: "done" });
    });

    it("`removeJob()` deletes a job from any state but in progress", async () => {
      const b = open().backend;
      await b.enqueue([
        job("queued"),
        job("running"),
        job("finished"),
        job("deferred", { dueAt: Date.now() + 3_600_000 }),
      ]);
      await b.fetch("q", 2, 30_000, "t"); // queued, running
      await b.release("q", [{ id: "queued", token: "t" }]);
      const [fin] = (await b.fetch("q", 2, 30_000, "t2")).jobs.filter((j) => j.id === "finished");
      await b.complete("q", [done(fin.id, "t2")]);
      assert.deepEqual(await b.removeJob("q", "running"), { done: false, status: "in_progress" });
      for (const [id, status] of [["queued", "in_progress"], ["finished", "done"]] as const) {
        assert.deepEqual(await b.removeJob("q", id), {
          done: status !== "in_progress",
          status,
        });
      }
      assert.deepEqual(await b.removeJob("q", "deferred"), { done: true, status: "deferred" });
      assert.deepEqual(await b.removeJob("q", "deferred"), { done: false, status: null });
      const counts = await b.queueCounts("q");
      assert.equal(counts.done, 0);
      assert.equal(counts.deferred, 0);
    });

    it("`listQueues()` names the queues jobs were added to", async () => {
      const b = open().backend;
      assert.deepEqual(await b.listQueues(), []);
      await b.enqueue([job("a", { queue: "zeta" }), job("b", { queue: "alpha" })]);
      assert.deepEqual(await b.listQueues(), ["alpha", "zeta"]);
    });

    it("a schedule occurrence carries the schedule's options, whatever their JSON spacing", async () => {
      const b = open().backend;
      const now = await b.time();
      const schedule = (id: string, optionsJson: string): NewSchedule => ({
        id,
        queue: "q",
        actor: "tick",
        argsJson: "[]",
        optionsJson,
        rule: { kind: "every", everyMs: 3_600_000, anchor: now - 1 },
        catchUp: false,
        ruleKey: "every:3600000",
        definitionKey: `def-${optionsJson}`,
        now,
        firstAt: now - 1,
      });
      await b.upsertSchedule(schedule("plain", '{"timeoutMs":5000}'));
      await b.upsertSchedule(schedule("spaced", ' { "timeoutMs" : 5000 } '));
      await b.upsertSchedule(schedule("empty", "{ }"));
      await b.upsertSchedule(schedule("not-object", "[]"));
      const { jobs } = await b.fetch("q", 10, 30_000, "t");
      const options = Object.fromEntries(jobs.map((j) => [j.id.split("@")[0], j.options]));
      const at = now - 1;
      assert.deepEqual(options, {
        plain: { timeoutMs: 5_000, schedule: { id: "plain", at } },
        spaced: { timeoutMs: 5_000, schedule: { id: "spaced", at } },
        empty: { schedule: { id: "empty", at } },
        "not-object": { schedule: { id: "not-object", at } },
      });
    });
  });
}
