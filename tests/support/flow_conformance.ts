/**
 * The flow-control cases of the backend conformance suite
 * (tests/integration/backend_conformance_test.ts calls them for each store):
 * priorities, groups, rate limits and expiry, driven through the `Backend`
 * interface alone.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import type { Backend } from "../../src/backend/backend.ts";
import type { Completion, JobOptions, NewJob } from "../../src/core/job.ts";
import { REASON } from "../../src/core/store_errors.ts";
import { waitFor } from "./wait.ts";

/** A store of the suite, as far as these cases need it. */
export interface FlowStore {
  readonly backend: Backend;
  /** Makes the lease of job `id` of `queue` expire now. */
  expireLease(queue: string, id: string): Promise<void>;
}

function job(id: string, options?: JobOptions, fields: Partial<NewJob> = {}): NewJob {
  return {
    id,
    customId: true,
    queue: "q",
    actor: "a",
    argsJson: "[]",
    dueAt: 0,
    options,
    ...fields,
  };
}

function done(id: string, token: string): Completion {
  return {
    id,
    token,
    status: "done",
    valueJson: "null",
    error: null,
    errors: [],
    attempts: 1,
    ttlMs: 60_000,
  };
}

/** The ids one fetch of `queue` leases, one job at a time, until none is left. */
async function drainOneByOne(b: Backend, max = 100, groupConcurrency = 0): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < max; i++) {
    const { jobs } = await b.fetch("q", 1, 30_000, `t${i}`, 0, groupConcurrency);
    if (jobs.length === 0) break;
    out.push(jobs[0].id);
  }
  return out;
}

/** Registers the flow-control cases; `open` gives a fresh store. */
export function flowConformance(open: () => FlowStore): void {
  it("`fetch()` starts higher priorities first, FIFO within one priority (0 and plain alike)", async () => {
    const b = open().backend;
    await b.enqueue([
      job("low1", { priority: -5 }),
      job("plain1"),
      job("high1", { priority: 10 }),
      job("mid1", { priority: 3 }),
      job("plain2"),
      job("high2", { priority: 10 }),
      job("low2", { priority: -5 }),
    ]);
    await b.enqueue([job("zero", { priority: 0 })]);
    const { jobs } = await b.fetch("q", 3, 30_000, "t");
    assert.deepEqual(jobs.map((j) => j.id), ["high1", "high2", "mid1"]);
    assert.deepEqual(await drainOneByOne(b), ["plain1", "plain2", "zero", "low1", "low2"]);
  });

  it("`fetch()`: a due deferred job enters at the head of its priority, not ahead of a higher one", async () => {
    const b = open().backend;
    await b.enqueue([
      job("later-low", { priority: -1 }, { dueAt: Date.now() + 150 }),
      job("later-plain", undefined, { dueAt: Date.now() + 150 }),
      job("high", { priority: 5 }),
      job("low", { priority: -1 }),
      job("plain"),
    ]);
    await waitFor("the deferred jobs to fall due", async () => {
      const infos = await Promise.all(["later-low", "later-plain"].map((id) => b.getJob("q", id)));
      return infos.every((i) => i && i.dueAt !== null && i.dueAt <= Date.now() - 5);
    });
    assert.deepEqual(await drainOneByOne(b), ["high", "later-plain", "plain", "later-low", "low"]);
  });

  it("`fetch()`: a prioritised job handed back or reclaimed returns to the head of its priority", async () => {
    const s = open();
    const b = s.backend;
    await b.enqueue([
      job("p5a", { priority: 5 }),
      job("p5b", { priority: 5 }),
      job("p9", { priority: 9 }, { dueAt: Date.now() + 3_600_000 }),
      job("p1", { priority: 1 }),
    ]);
    const first = await b.fetch("q", 1, 30_000, "t1");
    assert.deepEqual(first.jobs.map((j) => j.id), ["p5a"]);
    assert.deepEqual(await b.release("q", [{ id: "p5a", token: "t1" }]), [true]);
    const again = await b.fetch("q", 1, 30_000, "t2");
    assert.deepEqual(again.jobs.map((j) => j.id), ["p5a"], "handed back: ahead of p5b");
    await s.expireLease("q", "p5a");
    const reclaimed = await b.fetch("q", 1, 30_000, "t3");
    assert.deepEqual(reclaimed.jobs.map((j) => j.id), ["p5a"], "reclaimed: ahead of p5b");
    assert.deepEqual(await b.complete("q", [done("p5a", "t3")]), [true]);
    assert.deepEqual(await drainOneByOne(b), ["p5b", "p1"], "then the rest, in priority order");
  });

  it("`fetch()` runs at most the group concurrency of a group and gives the groups turns", async () => {
    const b = open().backend;
    const big = Array.from({ length: 20 }, (_, i) => job(`big${i}`, { group: "big" }));
    const small = Array.from({ length: 5 }, (_, i) => job(`s${i}`, { group: `small${i}` }));
    await b.enqueue([...big, ...small]);
    const first = await b.fetch("q", 10, 30_000, "t1", 0, 2);
    const ids = first.jobs.map((j) => j.id);
    assert.equal(ids.filter((id) => id.startsWith("big")).length, 2, `two of "big": ${ids}`);
    assert.deepEqual(ids.filter((id) => id.startsWith("s")).sort(), ["s0", "s1", "s2", "s3", "s4"]);
    // "big" is at its limit: nothing more until one of its jobs ends
    assert.deepEqual((await b.fetch("q", 10, 30_000, "t2", 0, 2)).jobs, []);
    const bigJob = first.jobs.find((j) => j.id.startsWith("big"))!;
    assert.deepEqual(await b.complete("q", [done(bigJob.id, "t1")]), [true]);
    const next = await b.fetch("q", 10, 30_000, "t3", 0, 2);
    assert.deepEqual(next.jobs.map((j) => j.id), ["big2"], "one slot freed, one started");
  });

  it("`fetch()` frees a group slot on release, requeue, dead-letter, retry wait and lease expiry", async () => {
    const s = open();
    const b = s.backend;
    await b.enqueue(Array.from({ length: 6 }, (_, i) => job(`g${i}`, { group: "g" })));
    const one = async (token: string) => {
      const { jobs } = await b.fetch("q", 5, 30_000, token, 0, 1);
      assert.equal(jobs.length, 1, `one job of the group at a time (${token})`);
      assert.deepEqual((await b.fetch("q", 5, 30_000, token + "-again", 0, 1)).jobs, []);
      return jobs[0];
    };
    const a = await one("t1");
    assert.deepEqual(await b.release("q", [{ id: a.id, token: "t1" }]), [true]);
    const again = await one("t2");
    assert.equal(again.id, a.id, "a handed-back job is at the head of its group");
    assert.equal(
      await b.requeue("q", {
        id: again.id,
        token: "t2",
        delayMs: 60_000,
        maxDeliveries: 0,
        reason: REASON.unknownActor,
        ttlMs: 60_000,
      }),
      "requeued",
    );
    const c = await one("t3");
    assert.ok(
      await b.deadLetter("q", c.id, "t3", REASON.malformed, { name: "E", message: "m" }, 60_000),
    );
    const d = await one("t4");
    assert.ok(await b.recordAttempt("q", d.id, "t4", 1, [{ name: "E", message: "m" }], 60_000));
    assert.equal((await b.getJob("q", d.id))?.status, "deferred", "it waits for its retry");
    const e = await one("t5");
    await s.expireLease("q", e.id);
    const f = await one("t6");
    assert.equal(f.id, e.id, "the reclaimed job runs again, its slot was freed");
    assert.deepEqual(await b.complete("q", [done(f.id, "t6")]), [true]);
    const last = await one("t7");
    assert.notEqual(last.id, f.id);
  });

  it("`cancelJob()` frees a running job's group slot and takes a queued one out of its group", async () => {
    const b = open().backend;
    await b.enqueue([
      job("c0", { group: "g" }),
      job("c1", { group: "g" }),
      job("c2", { group: "g" }),
    ]);
    const first = await b.fetch("q", 5, 30_000, "t1", 0, 1);
    assert.deepEqual(first.jobs.map((j) => j.id), ["c0"]);
    assert.equal((await b.cancelJob("q", "c0")).cancelled, true);
    const second = await b.fetch("q", 5, 30_000, "t2", 0, 1);
    assert.deepEqual(second.jobs.map((j) => j.id), ["c1"], "the cancelled job's slot was freed");
    assert.equal((await b.cancelJob("q", "c2")).cancelled, true);
    assert.equal((await b.queueCounts("q")).queued, 0);
    assert.deepEqual((await b.listJobs("q", "queued", 10)).jobs, []);
  });

  it("`fetch()` with a queue rate limit starts at most max per window and reports the next slot", async () => {
    const b = open().backend;
    await b.setFlowLimits!("q", { rate: { max: 2, perMs: 60_000 } });
    assert.deepEqual(await b.getFlowLimits!("q"), {
      rate: { max: 2, perMs: 60_000 },
      groups: {},
    });
    await b.enqueue(Array.from({ length: 5 }, (_, i) => job(`r${i}`)));
    // leases longer than the window, so that the next slot is the sooner wake-up
    const first = await b.fetch("q", 5, 120_000, "t1");
    assert.deepEqual(first.jobs.map((j) => j.id), ["r0", "r1"]);
    assert.ok(first.wakeInMs > 50_000, `next slot in about a minute: ${first.wakeInMs}`);
    const second = await b.fetch("q", 5, 30_000, "t2");
    assert.deepEqual(second.jobs, []);
    // a change takes effect at the next fetch
    await b.setFlowLimits!("q", { rate: null });
    const third = await b.fetch("q", 5, 30_000, "t3");
    assert.deepEqual(third.jobs.map((j) => j.id), ["r2", "r3", "r4"]);
  });

  it("`fetch()` with a group rate limit holds a group back, the others go on", async () => {
    const b = open().backend;
    await b.setFlowLimits!("q", { groups: { rate: { max: 1, perMs: 60_000 } } });
    await b.enqueue([
      job("a1", { group: "a" }),
      job("a2", { group: "a" }),
      job("b1", { group: "b" }),
    ]);
    const { jobs, wakeInMs } = await b.fetch("q", 5, 120_000, "t");
    assert.deepEqual(jobs.map((j) => j.id).sort(), ["a1", "b1"]);
    await b.complete("q", jobs.map((j) => done(j.id, "t")));
    const held = await b.fetch("q", 5, 30_000, "t2");
    assert.deepEqual(held.jobs, []);
    assert.ok(held.wakeInMs > 50_000, `group a may start in about a minute: ${held.wakeInMs}`);
    assert.ok(wakeInMs > 50_000, `the leases end in two minutes: ${wakeInMs}`);
  });

  it("`queueCounts()` counts prioritised and grouped jobs as queued, expired ones as dead", async () => {
    const b = open().backend;
    await b.enqueue([
      job("plain"),
      job("high", { priority: 3 }),
      job("low", { priority: -3 }),
      job("g1", { group: "g" }),
      job("g2", { group: "g" }),
      job("h1", { group: "h", priority: 2 }),
      job("old", { expiresAt: Date.now() - 1, group: "g" }),
    ]);
    const before = await b.queueCounts("q");
    assert.equal(before.queued, 7);
    const { jobs } = await b.fetch("q", 4, 30_000, "t", 0, 1);
    assert.equal(jobs.length, 4, "four of the six live jobs start");
    const after = await b.queueCounts("q");
    assert.equal(after.active, 4);
    assert.equal(after.dead, 1, "the expired job");
    assert.equal(after.queued, 2);
  });

  it("`listJobs()` of queued jobs pages through the plain ones, then the prioritised and grouped ones", async () => {
    const b = open().backend;
    await b.enqueue([
      job("plain1"),
      job("high", { priority: 3 }),
      job("g1", { group: "g" }),
      job("plain2"),
      job("g2", { group: "g", priority: -1 }),
    ]);
    const seen: string[] = [];
    let next: { id: string; at: number } | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await b.listJobs("q", "queued", 2, next);
      seen.push(...page.jobs.map((j) => j.id));
      next = page.next;
      if (!next) break;
    }
    assert.deepEqual(seen.slice(0, 2), ["plain2", "plain1"], "the plain ones first, newest first");
    assert.deepEqual(seen.slice(2).sort(), ["g1", "g2", "high"], "then the others, each once");
    const whole = await b.listJobs("q", "queued", 50);
    assert.equal(whole.jobs.length, 5);
    assert.equal(whole.next, undefined);
    assert.equal(whole.jobs.find((j) => j.id === "g2")?.group, "g");
    await b.fetch("q", 10, 30_000, "t", 0, 1);
    const left = await b.listJobs("q", "queued", 50);
    assert.deepEqual(left.jobs.map((j) => j.id), ["g2"], "one of group g at a time");
  });

  it("`removeJob()`, `purgeJobs()` and `requeueJob()` treat prioritised and grouped jobs like any other", async () => {
    const b = open().backend;
    await b.enqueue([
      job("plain"),
      job("high", { priority: 3 }),
      job("g1", { group: "g" }),
      job("g2", { group: "g" }),
      job("h1", { group: "h" }),
    ]);
    assert.equal((await b.removeJob("q", "g2")).done, true);
    assert.equal((await b.removeJob("q", "high")).done, true);
    assert.equal((await b.queueCounts("q")).queued, 3);
    const { jobs } = await b.fetch("q", 10, 30_000, "t", 0, 1);
    assert.deepEqual(jobs.map((j) => j.id).sort(), ["g1", "h1", "plain"]);
    await b.complete("q", jobs.map((j) => done(j.id, "t")));
    assert.equal((await b.requeueJob("q", "g1")).done, true);
    assert.equal((await b.queueCounts("q")).queued, 1);
    assert.equal((await b.getJob("q", "g1"))?.group, "g", "requeued into its group");
    await b.enqueue([job("g3", { group: "g", priority: -2 }), job("p2", { priority: 9 })]);
    assert.equal((await b.queueCounts("q")).queued, 3);
    const purged = await b.purgeJobs("q", "queued", 100);
    assert.equal(purged.moved, 3);
    assert.equal((await b.queueCounts("q")).queued, 0);
    assert.deepEqual((await b.fetch("q", 10, 30_000, "t2", 0, 1)).jobs, []);
  });

  it("`fetch()` never starts an expired job: it ends dead with reason expired", async () => {
    const b = open().backend;
    const finished: string[] = [];
    const unsubscribe = await b.onFinished("q", (id) => finished.push(id));
    await b.enqueue([
      job("gone", { expiresAt: Date.now() - 1 }),
      job("gone-prio", { expiresAt: Date.now() - 1, priority: 4 }),
      job("gone-group", { expiresAt: Date.now() - 1, group: "g" }),
      job("gone-soon", { expiresInMs: 1 }),
      job("kept", { expiresInMs: 600_000 }),
    ]);
    const stored = (await b.getJob("q", "gone-soon"))!.enqueuedAt;
    await waitFor("gone-soon's expiry to pass", () => Date.now() > stored + 5);
    const { jobs } = await b.fetch("q", 10, 30_000, "t");
    assert.deepEqual(jobs.map((j) => j.id), ["kept"]);
    for (const id of ["gone", "gone-prio", "gone-group", "gone-soon"]) {
      const info = await b.getJob("q", id);
      assert.equal(info?.status, "dead", id);
      assert.equal(info?.result?.reason, REASON.expired, id);
      assert.equal(info?.result?.error?.name, "JobExpiredError", id);
      assert.equal(info?.result?.startedAt, null, `${id} never started`);
    }
    await waitFor("the expired jobs to be announced", () => finished.length >= 4);
    assert.deepEqual(finished.sort(), ["gone", "gone-group", "gone-prio", "gone-soon"]);
    await unsubscribe();
  });
}
