/**
 * Details of the in-memory backend that the contract and conformance suites
 * (tests/integration/backend_conformance_test.ts) cannot show:
 * an injected clock (TTL and lease expiry without waiting), the wake-up of
 * idle workers, and named `memory://` stores shared in one process.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MemoryBackend, Repid, Worker } from "../../mod.ts";
import type { NewJob } from "../../src/core/job.ts";
import { waitFor, within } from "../support/wait.ts";

function clock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

function job(id: string, fields: Partial<NewJob> = {}): NewJob {
  return {
    id,
    customId: true,
    queue: "q",
    actor: "a",
    argsJson: "[]",
    dueAt: 0,
    ...fields,
  };
}

describe("MemoryBackend", () => {
  it("`MemoryBackend.getJob()` returns null once a result's TTL has passed (injected clock)", async () => {
    const c = clock();
    const b = new MemoryBackend({ now: c.now });
    await b.enqueue([job("j1")]);
    const { jobs } = await b.fetch("q", 1, 30_000, "t1");
    assert.equal(jobs.length, 1);
    const [ok] = await b.complete("q", [{
      id: "j1",
      token: "t1",
      status: "done",
      valueJson: '{"n":1}',
      error: null,
      errors: [],
      attempts: 1,
      ttlMs: 1_000,
    }]);
    assert.equal(ok, true);
    const info = await b.getJob("q", "j1");
    assert.deepEqual(info?.result?.value, { n: 1 });
    assert.equal(info?.result?.finishedAt, c.now());
    c.advance(1_000);
    assert.notEqual(await b.getJob("q", "j1"), null, "kept until the TTL has fully passed");
    c.advance(1);
    assert.equal(await b.getJob("q", "j1"), null);
    await b.close();
  });

  it("`MemoryBackend` sweeps expired results without reads", async () => {
    const c = clock();
    const b = new MemoryBackend({ now: c.now, sweepMs: 20 });
    await b.enqueue([job("j1")]);
    await b.fetch("q", 1, 30_000, "t1");
    await b.complete("q", [{
      id: "j1",
      token: "t1",
      status: "done",
      valueJson: "null",
      error: null,
      errors: [],
      attempts: 1,
      ttlMs: 500,
    }]);
    assert.deepEqual(b.queues(), ["q"]);
    c.advance(501);
    await waitFor("the sweep to remove the expired result", () => b.queues().length === 0);
    await b.close();
  });

  it("`MemoryBackend.fetch()` returns an expired lease to the head of the queue", async () => {
    const c = clock();
    const b = new MemoryBackend({ now: c.now });
    await b.enqueue([job("first"), job("second")]);
    const a = await b.fetch("q", 1, 1_000, "worker-a");
    assert.deepEqual(a.jobs.map((j) => j.id), ["first"]);
    assert.equal(a.wakeInMs, 1_000, "an idle worker looks again when the lease expires");
    assert.deepEqual(await b.extendLeases("q", [{ id: "first", token: "worker-a" }], 1_000), {
      lost: [],
      cancelled: [],
    });
    c.advance(1_001);
    const again = await b.fetch("q", 2, 1_000, "worker-b");
    assert.deepEqual(again.jobs.map((j) => j.id), ["first", "second"]);
    assert.equal(again.jobs[0].deliveries, 2);
    const stale = await b.complete("q", [{
      id: "first",
      token: "worker-a",
      status: "done",
      valueJson: "1",
      error: null,
      errors: [],
      attempts: 1,
      ttlMs: 1_000,
    }]);
    assert.deepEqual(stale, [false], "the old owner's write is refused");
    assert.deepEqual(
      await b.extendLeases("q", [{ id: "first", token: "worker-a" }], 1_000),
      { lost: ["first"], cancelled: [] },
    );
    assert.equal((await b.getJob("q", "first"))?.status, "in_progress");
    await b.close();
  });

  it("`MemoryBackend.fetch()` serves due deferred jobs first and hints the next due time", async () => {
    const c = clock();
    const b = new MemoryBackend({ now: c.now });
    await b.enqueue([job("normal"), job("later", { dueAt: c.now() + 5_000 })]);
    assert.equal((await b.getJob("q", "later"))?.status, "deferred");
    const first = await b.fetch("q", 5, 30_000, "t");
    assert.deepEqual(first.jobs.map((j) => j.id), ["normal"]);
    assert.equal(first.wakeInMs, 5_000);
    await b.enqueue([job("normal-2")]);
    c.advance(5_000);
    const second = await b.fetch("q", 5, 30_000, "t");
    assert.deepEqual(second.jobs.map((j) => j.id), ["later", "normal-2"]);
    await b.close();
  });

  it("`MemoryBackend.requeue()` holds a job back for its delay (injected clock)", async () => {
    const c = clock();
    const b = new MemoryBackend({ now: c.now });
    await b.enqueue([job("x", { actor: "unknown" })]);
    await b.fetch("q", 1, 30_000, "t1");
    const requeued = await b.requeue("q", {
      id: "x",
      token: "t1",
      delayMs: 100,
      maxDeliveries: 0,
      reason: "unknown_actor",
      ttlMs: 60_000,
    });
    assert.equal(requeued, "requeued");
    assert.equal((await b.getJob("q", "x"))?.dueAt, c.now() + 100);
    assert.equal((await b.fetch("q", 1, 30_000, "t2")).jobs.length, 0, "not before its delay");
    c.advance(100);
    assert.deepEqual((await b.fetch("q", 1, 30_000, "t2")).jobs.map((j) => j.id), ["x"]);
    await b.close();
  });
  it("`MemoryBackend.waitForWork()` ends on close, and only for work on its own queue", async () => {
    const b = new MemoryBackend();
    await b.fetch("q", 1, 30_000, "t");
    let woke = false;
    const other = b.waitForWork("other", 600_000, new AbortController().signal);
    void other.then(() => (woke = true));
    await b.enqueue([job("e")]);
    await b.fetch("q", 1, 30_000, "t");
    assert.equal(woke, false, "work on another queue: the waiter still waits");
    await b.close();
    await within(other, "the close");
  });
  it("`MemoryBackend.counts()` reports queued, deferred, due and in-progress jobs", async () => {
    const c = clock();
    const b = new MemoryBackend({ now: c.now });
    await b.enqueue([
      job("a"),
      job("b"),
      job("soon", { dueAt: c.now() + 10 }),
      job("other", { queue: "other" }),
    ]);
    await b.fetch("q", 1, 30_000, "t");
    const dueAt = c.now() + 10;
    assert.deepEqual(b.counts("q"), {
      queued: 1,
      deferred: 1,
      due: 0,
      inProgress: 1,
      nextDueAt: dueAt,
    });
    c.advance(10);
    assert.deepEqual(b.counts(), {
      queued: 2,
      deferred: 1,
      due: 1,
      inProgress: 1,
      nextDueAt: dueAt,
    });
    assert.deepEqual(b.queues().sort(), ["other", "q"]);
    b.clear();
    assert.deepEqual(b.counts(), {
      queued: 0,
      deferred: 0,
      due: 0,
      inProgress: 0,
      nextDueAt: null,
    });
    await b.close();
  });

  it("`new MemoryBackend()` refuses a bad prefix, clock or sweep interval", () => {
    assert.throws(() => new MemoryBackend({ prefix: "" }), TypeError);
    assert.throws(() => new MemoryBackend({ now: 5 as unknown as () => number }), TypeError);
    assert.throws(() => new MemoryBackend({ sweepMs: 0 }), RangeError);
  });
});

describe("memory:// URLs", () => {
  it("`Worker` and `Repid` given the same `memory://name` share one store", async () => {
    const worker = new Worker("memory://unit-shared", { logger: "silent" });
    worker.actor(async function double(n: number) {
      await Promise.resolve();
      return n * 2;
    });
    const running = worker.runForever({ handleSignals: false });
    const producer = new Repid("memory://unit-shared");
    const job = await producer.enqueueJob("double", { args: [21] });
    assert.equal((await job.result).value, 42);

    const elsewhere = new Repid("memory://unit-other");
    assert.equal(await elsewhere.getJob(job.id), null, "another name is another store");
    const otherPrefix = new Repid("memory://unit-shared", { prefix: "other" });
    assert.equal(await otherPrefix.getJob(job.id), null, "a prefix separates data, as on Redis");

    await worker.stop();
    await running;
    const later = new Repid("memory://unit-shared");
    assert.equal(
      (await later.getJob(job.id))?.actor,
      "double",
      "the data outlives a closed client",
    );
    await Promise.all([producer.close(), elsewhere.close(), otherPrefix.close(), later.close()]);
    const cleaner = new MemoryBackend({ store: "unit-shared" });
    cleaner.clear();
    await cleaner.close();
  });

  it("`new Repid()` refuses a malformed memory URL, naming it", () => {
    assert.throws(
      () => new Repid("memory:/oops"),
      (e: Error) => e instanceof TypeError && e.message.includes('"memory:/oops"'),
    );
    assert.throws(() => new Worker("memory://bad name"), TypeError);
  });
});
