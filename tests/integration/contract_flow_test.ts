/**
 * Contract tests of flow control (issue 17) with workers and producers, on
 * each backend: priorities, groups (limit, turns, slots freed on a retry
 * wait), the queue rate limit set at run time, expiry, recurring jobs with a
 * priority and a group, and the errors of bad input.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { defineActor, type JobContext, type JobResult } from "../../mod.ts";
import { REASON } from "../../src/core/store_errors.ts";
import { backends, type Harness } from "../support/harness.ts";
import { latch, waitFor } from "../support/wait.ts";
import { maxOverlap } from "../support/overlap.ts";

for (const backend of backends) {
  describe(`[${backend.name}] flow control`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("`priority`: a worker starts the higher priority first, FIFO within one priority", async () => {
      const queue = "prio";
      const producer = h.producer();
      const plan = [
        { id: "p0-a", priority: 0 },
        { id: "m5-a", priority: -5 },
        { id: "p9-a", priority: 9 },
        { id: "p0-b", priority: undefined },
        { id: "p9-b", priority: 9 },
        { id: "p3-a", priority: 3 },
        { id: "m5-b", priority: -5 },
      ];
      const jobs = await producer.enqueueJobs(
        plan.map((p) => ({ actor: "record", queue, jobId: p.id, priority: p.priority })),
      );
      const started: string[] = [];
      const worker = h.worker({ concurrency: 1 });
      worker.actor(async function record(this: JobContext) {
        started.push(this.jobId);
        await Promise.resolve();
      }, { queue });
      const running = worker.runForever({ handleSignals: false });
      await Promise.all(jobs.map((j) => j.result));
      assert.deepEqual(started, ["p9-a", "p9-b", "p3-a", "p0-a", "p0-b", "m5-a", "m5-b"]);
      const info = await producer.getJob("m5-a", { queue });
      assert.equal((await info!.info())?.priority, -5, "the priority is part of the job's info");
      await worker.stop();
      await running;
    });

    it("`groupConcurrency`: never more than N jobs of one group run at once across three workers, the groups side by side", async () => {
      const queue = "groups";
      const runs = new Map<string, { start: number; end: number }[]>();
      const ranOn = new Set<number>();
      const workers = [0, 1, 2].map(() => h.worker({ concurrency: 4 }));
      const running = workers.map((worker, k) => {
        worker.actor(async function grouped(group: string) {
          ranOn.add(k);
          const start = performance.now();
          await delay(15); // the job's work: long enough for jobs to overlap
          const list = runs.get(group) ?? [];
          list.push({ start, end: performance.now() });
          runs.set(group, list);
        }, { queue, groupConcurrency: 2 });
        return worker.runForever({ handleSignals: false });
      });
      const producer = h.producer();
      const jobs = await producer.enqueueJobs(
        ["a", "b", "c"].flatMap((g) =>
          Array.from({ length: 8 }, () => ({ actor: "grouped", queue, args: [g], group: g }))
        ),
      );
      const results = await Promise.all(jobs.map((j) => j.result));
      assert.ok(results.every((r) => r.status === "done"));
      for (const g of ["a", "b", "c"]) {
        assert.equal(runs.get(g)?.length, 8);
        assert.ok(maxOverlap(runs.get(g)!) <= 2, `group ${g}: at most 2 at once`);
      }
      const all = [...runs.values()].flat();
      assert.ok(maxOverlap(all) > 2, "the groups' jobs ran side by side");
      assert.ok(ranOn.size >= 2, `the jobs ran on several workers: ${[...ranOn]}`);
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(running);
    });

    it("groups take turns: ten groups of one job start within the first rounds of a group of 1,000", async () => {
      const queue = "fair";
      const producer = h.producer();
      const big = await producer.enqueueJobs(
        Array.from({ length: 1000 }, () => ({ actor: "fair", queue, args: ["big"], group: "big" })),
      );
      const singles = await producer.enqueueJobs(
        Array.from({ length: 10 }, (_, i) => ({
          actor: "fair",
          queue,
          args: [`single-${i}`],
          group: `single-${i}`,
        })),
      );
      const order: string[] = [];
      const worker = h.worker({ concurrency: 2 });
      worker.actor(async function fair(name: string) {
        order.push(name);
        await Promise.resolve();
      }, { queue });
      const running = worker.runForever({ handleSignals: false });
      await Promise.all(singles.map((j) => j.result));
      const rank = Math.max(...singles.map((_, i) => order.indexOf(`single-${i}`))) + 1;
      assert.ok(rank <= 30, `the last single-job group started at rank ${rank}`);
      await worker.stop();
      await running;
      assert.ok(big.length === 1000);
    });

    it("a group's slot is free while a failed job waits for its retry", async () => {
      const queue = "retry-wait";
      const events: string[] = [];
      const secondStarted = latch();
      const worker = h.worker({ concurrency: 4 });
      worker.actor(async function flaky(this: JobContext, name: string) {
        events.push(`${name}#${this.attempt}`);
        if (name === "second") secondStarted.open();
        if (name === "first" && this.attempt === 1) throw new Error("first attempt fails");
        await Promise.resolve();
      }, { queue, retries: 1, backoff: { type: "fixed", delayMs: 500 }, groupConcurrency: 1 });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const first = await producer.enqueueJob("flaky", { queue, args: ["first"], group: "g" });
      await waitFor("the first attempt", () => events.includes("first#1"));
      const second = await producer.enqueueJob("flaky", { queue, args: ["second"], group: "g" });
      await secondStarted.opened;
      const [r1, r2] = await Promise.all([first.result, second.result]);
      assert.equal(r1.status, "done");
      assert.equal(r1.attempts, 2);
      assert.equal(r2.status, "done");
      assert.ok(
        events.indexOf("second#1") < events.indexOf("first#2"),
        `the second job ran during the first's retry wait: ${events}`,
      );
      await worker.stop();
      await running;
    });

    it("`setRateLimit()`: at most max starts per window across workers; a change applies at once", async () => {
      const queue = "limited";
      const producer = h.producer();
      const q = producer.queue(queue);
      await q.setRateLimit({ max: 3, perMs: 600_000 });
      const started: string[] = [];
      const workers = [h.worker({ concurrency: 4 }), h.worker({ concurrency: 4 })];
      const runs = workers.map((w) => {
        w.actor(async function limited(this: JobContext) {
          started.push(this.jobId);
          await Promise.resolve();
        }, { queue });
        return w.runForever({ handleSignals: false });
      });
      const jobs = await producer.enqueueJobs(
        Array.from({ length: 6 }, (_, i) => ({ actor: "limited", queue, jobId: `l${i}` })),
      );
      const firstThree = await Promise.all(jobs.slice(0, 3).map((j) => j.result));
      assert.ok(firstThree.every((r) => r.status === "done"));
      const waiting = await Promise.all(jobs.slice(3).map((j) => j.info()));
      assert.deepEqual(waiting.map((i) => i?.status), ["queued", "queued", "queued"]);
      assert.equal(started.length, 3);
      await q.setRateLimit({ max: 10, perMs: 600_000 });
      const rest: JobResult[] = await Promise.all(jobs.slice(3).map((j) => j.result));
      assert.ok(rest.every((r) => r.status === "done"), "the raised limit let them start");
      assert.deepEqual(await q.flowLimits(), { rate: { max: 10, perMs: 600_000 }, groups: {} });
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(runs);
    });

    it("`expiresAt` / `expiresInMs`: a job not started in time ends dead (expired) and never runs; a running one is not affected", async () => {
      const queue = "expiry";
      const producer = h.producer();
      const ran: string[] = [];
      const release = latch();
      const stale = await producer.enqueueJob("expiring", {
        queue,
        args: ["stale"],
        expiresAt: Date.now() - 1,
      });
      const worker = h.worker({ concurrency: 2 });
      worker.actor(async function expiring(name: string) {
        ran.push(name);
        if (name === "slow") await release.opened;
      }, { queue });
      const running = worker.runForever({ handleSignals: false });
      const dead = await stale.result;
      assert.equal(dead.status, "dead");
      assert.equal(dead.reason, REASON.expired);
      assert.equal(dead.startedAt, null);
      const slow = await producer.enqueueJob("expiring", {
        queue,
        args: ["slow"],
        expiresInMs: 300,
      });
      await waitFor("the slow job to start", () => ran.includes("slow"));
      const info = await slow.info();
      await waitFor("its expiry to pass", () => Date.now() > info!.expiresAt! + 20);
      release.open();
      assert.equal((await slow.result).status, "done", "a job already running is not affected");
      assert.deepEqual(ran, ["slow"], "the expired job never ran");
      await worker.stop();
      await running;
    });

    it("recurring jobs take a priority and a group for each occurrence", async () => {
      const queue = "recurring";
      const producer = h.producer();
      const schedule = await producer.enqueueJob("tick", {
        queue,
        deferBy: 60_000,
        priority: 7,
        group: "tenant-1",
      });
      const info = await schedule.info();
      const occurrence = await producer.getJob(`${schedule.id}@${info!.nextRunAt}`, { queue });
      const job = await occurrence!.info();
      assert.equal(job?.priority, 7);
      assert.equal(job?.group, "tenant-1");
      assert.equal(job?.status, "deferred");
      await schedule.cancel();
    });

    it("recurring jobs: an occurrence starts at its priority and waits for its group's slot", async () => {
      const producer = h.producer();
      // priority: one worker slot; queued jobs of priority 8 and 3, then an occurrence of 7
      const prioQueue = "recurring-prio";
      const order: string[] = [];
      const [p8, p3] = await producer.enqueueJobs([
        { actor: "rec_prio", queue: prioQueue, args: ["p8"], priority: 8 },
        { actor: "rec_prio", queue: prioQueue, args: ["p3"], priority: 3 },
      ]);
      const ticks = await producer.enqueueJob("rec_prio", {
        queue: prioQueue,
        args: ["tick"],
        deferUntil: Date.now() - 1_000, // the first occurrence is due at once
        deferBy: 3_600_000,
        priority: 7,
      });
      const one = h.worker({ concurrency: 1 });
      one.actor(async function rec_prio(name: string) {
        order.push(name);
        await Promise.resolve();
      }, { queue: prioQueue });
      const runningOne = one.runForever({ handleSignals: false });
      await Promise.all([p8.result, p3.result]);
      await waitFor("the occurrence to run", () => order.includes("tick"));
      assert.deepEqual(order, ["p8", "tick", "p3"], "the occurrence started at priority 7");
      await ticks.cancel();
      await one.stop();
      await runningOne;

      // group: while a job of group tenant-1 runs, the group's occurrence waits, another group runs
      const groupQueue = "recurring-group";
      const events: string[] = [];
      const release = latch();
      const worker = h.worker({ concurrency: 4 });
      worker.actor(async function rec_group(name: string) {
        events.push(`start ${name}`);
        if (name === "blocker") await release.opened;
        events.push(`end ${name}`);
      }, { queue: groupQueue, groupConcurrency: 1 });
      const running = worker.runForever({ handleSignals: false });
      const blocker = await producer.enqueueJob("rec_group", {
        queue: groupQueue,
        args: ["blocker"],
        group: "tenant-1",
      });
      await waitFor("the blocker to start", () => events.includes("start blocker"));
      const schedule = await producer.enqueueJob("rec_group", {
        queue: groupQueue,
        args: ["tick"],
        deferUntil: Date.now() - 1_000,
        deferBy: 3_600_000,
        group: "tenant-1",
      });
      const other = await producer.enqueueJob("rec_group", {
        queue: groupQueue,
        args: ["other"],
        group: "tenant-2",
      });
      await other.result;
      assert.ok(!events.includes("start tick"), `the occurrence waited for its group: ${events}`);
      release.open();
      await blocker.result;
      await waitFor("the occurrence to run", () => events.includes("end tick"));
      assert.ok(
        events.indexOf("end blocker") < events.indexOf("start tick"),
        `one job of tenant-1 at a time: ${events}`,
      );
      await schedule.cancel();
      await worker.stop();
      await running;
    });

    it("`priority` with three workers: every queued higher-priority job starts before any lower one", async () => {
      const queue = "prio-workers";
      const producer = h.producer();
      const levels = [-5, 0, 5];
      // enqueued lowest first, so that the order of enqueueing is the opposite of the priorities
      const jobs = await producer.enqueueJobs(
        levels.flatMap((priority) =>
          Array.from({ length: 6 }, (_, i) => ({
            actor: "prio_many",
            queue,
            args: [`${priority}:${i}`],
            priority,
          }))
        ),
      );
      const workers = [0, 1, 2].map(() => h.worker({ concurrency: 1 }));
      const ranOn = new Set<number>();
      const runs = workers.map((w, k) => {
        w.actor(async function prio_many() {
          ranOn.add(k);
          await delay(5); // the job's work: the three workers run side by side
        }, { queue });
        return w.runForever({ handleSignals: false });
      });
      const results = await Promise.all(jobs.map((j) => j.result));
      assert.ok(results.every((r) => r.status === "done"));
      const startedAt = (priority: number) =>
        results.filter((_, k) => levels[Math.floor(k / 6)] === priority).map((r) => r.startedAt!);
      assert.ok(
        Math.max(...startedAt(5)) <= Math.min(...startedAt(0)),
        "every priority-5 job started before any priority-0 one",
      );
      assert.ok(Math.max(...startedAt(0)) <= Math.min(...startedAt(-5)));
      assert.ok(ranOn.size >= 2, `the jobs ran on several workers: ${[...ranOn]}`);
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(runs);
    });

    it("bad flow input is refused with a TypeError or RangeError naming the value", async () => {
      const producer = h.producer();
      const refuses = async (
        options: Record<string, unknown>,
        type: typeof TypeError,
        text: string,
      ) => {
        await assert.rejects(
          producer.enqueueJob("x", options as never),
          (e: Error) => e instanceof type && e.message.includes(text),
          JSON.stringify(options),
        );
      };
      await refuses({ priority: 1.5 }, RangeError, "priority is 1.5");
      await refuses({ priority: 1001 }, RangeError, "from -1000 to 1000");
      await refuses({ priority: "high" }, TypeError, 'priority must be an integer, got "high"');
      await refuses({ group: "" }, RangeError, "0 bytes long");
      await refuses({ group: "x".repeat(201) }, RangeError, "201 bytes long");
      await refuses({ group: 42 }, TypeError, "group must be a string, got 42");
      await refuses({ expiresInMs: 0 }, RangeError, "expiresInMs is 0");
      await refuses({ expiresAt: 1, expiresInMs: 1 }, TypeError, "not both");
      await refuses({ deferBy: 1000, expiresInMs: 5 }, TypeError, "recurring job");
      const q = producer.queue("q");
      await assert.rejects(q.setRateLimit({ max: 0, perMs: 1000 }), /limit\.max is 0/);
      await assert.rejects(q.setRateLimit({ max: 5, perMs: -1 }), RangeError);
      await assert.rejects(q.setRateLimit("fast" as never), TypeError);
      await assert.rejects(q.setGroupLimits({ concurrency: 0 }), /concurrency is 0/);
      await assert.rejects(q.setGroupLimits({ rate: { max: 1, perMs: 0 } }), /rate\.perMs is 0/);
      assert.throws(
        () => defineActor(async function a() {}, { groupConcurrency: -2 }),
        (e: Error) => e instanceof RangeError && e.message.includes("groupConcurrency is -2"),
      );
    });
  });
}
