/**
 * Contract tests of flow control (issue 17, point 5) on each backend: the
 * worker's events, the queue's events, the worker's metrics and the operating
 * API (counts, listings, cancel, pause, requeue) see prioritised, grouped and
 * expired jobs like any other, including jobs waiting for their group's slot.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { JobContext, QueueEvent, Worker, WorkerEventMap } from "../../mod.ts";
import { REASON } from "../../src/core/store_errors.ts";
import { backends, type Harness } from "../support/harness.ts";
import { parsePrometheus } from "../support/prometheus_text.ts";
import { latch, waitFor, within } from "../support/wait.ts";

/** Every `started`, `done`, `retrying`, `failed` and `cancelled` event of `worker`, as `[name, id]`. */
function recordEvents(worker: Worker): [string, string][] {
  const seen: [string, string][] = [];
  for (const name of ["started", "done", "retrying", "failed", "cancelled"] as const) {
    worker.on(name, (e: WorkerEventMap[typeof name]) => void seen.push([name, e.id]));
  }
  return seen;
}

/** The samples of metric family `name` in `text`, as `labels → value`. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const family = parsePrometheus(text).find((f) => f.name === name);
  assert.ok(family, `the metrics have ${name}`);
  return family.metrics.map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) }));
}

/** The `repid_jobs_total` counters of `actor`, by status. */
function jobTotals(text: string, actor: string): Record<string, number> {
  return Object.fromEntries(
    samples(text, "repid_jobs_total")
      .filter((s) => s.labels.actor === actor)
      .map((s) => [s.labels.status, s.value]),
  );
}

/** The `repid_queue_jobs` gauges of `queue`, by state. */
function queueGauges(text: string, queue: string): Record<string, number> {
  return Object.fromEntries(
    samples(text, "repid_queue_jobs")
      .filter((s) => s.labels.queue === queue)
      .map((s) => [s.labels.state, s.value]),
  );
}

/** Reads `events` until `count` finished (non-progress) events were seen. */
async function finished(events: AsyncIterable<QueueEvent>, count: number): Promise<QueueEvent[]> {
  const seen: QueueEvent[] = [];
  for await (const e of events) {
    if (e.type !== "progress") seen.push(e);
    if (seen.length === count) break;
  }
  return seen;
}

for (const backend of backends) {
  describe(`[${backend.name}] flow control seen by events, metrics and the operating API`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("worker events, queue events and metrics report prioritised, grouped and expired jobs", async () => {
      const queue = "flow-seen";
      const producer = h.producer();
      const events = producer.queue(queue).events();
      await events.ready;
      const [high, grouped, flaky, broken, afterBroken, stale] = await producer.enqueueJobs([
        { actor: "seen_run", queue, args: ["high"], priority: 5 },
        { actor: "seen_run", queue, args: ["grouped"], group: "g" },
        { actor: "seen_run", queue, args: ["flaky"], group: "g", priority: 2 },
        { actor: "seen_fail", queue, priority: -3, group: "h" },
        // runs once the failed job of its group has freed the group's one slot
        { actor: "seen_run", queue, args: ["after-broken"], group: "h", priority: -3 },
        { actor: "seen_run", queue, args: ["stale"], group: "g", expiresAt: Date.now() - 1 },
      ]);
      const worker = h.worker({ concurrency: 2 });
      worker.actor(async function seen_run(this: JobContext, name: string) {
        if (name === "flaky" && this.attempt === 1) throw new Error("first attempt fails");
        await Promise.resolve();
        return name;
      }, { queue, groupConcurrency: 1, retries: 1, backoff: { type: "fixed", delayMs: 10 } });
      worker.actor(async function seen_fail() {
        await Promise.resolve();
        throw new TypeError("always wrong");
      }, { queue });
      const seen = recordEvents(worker);
      const running = worker.runForever({ handleSignals: false });
      const results = await Promise.all(
        [high, grouped, flaky, broken, afterBroken, stale].map((j) =>
          j.waitResult({ timeoutMs: 20_000 })
        ),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        ["done", "done", "done", "failed", "done", "dead"],
      );
      assert.equal(results[5].reason, REASON.expired);
      assert.ok(results[4].startedAt! >= results[3].finishedAt!, "one job of group h at a time");
      // a result can be read before the worker's ack call returns and its event is emitted
      await waitFor(
        "the worker's done and failed events",
        () => seen.filter(([n]) => n === "done" || n === "failed").length === 5,
      );

      // the worker's events: each job that ran, with the grouped job's retry announced
      const of = (id: string) => seen.filter(([, i]) => i === id).map(([name]) => name);
      assert.deepEqual(of(high.id), ["started", "done"]);
      assert.deepEqual(of(grouped.id), ["started", "done"]);
      assert.deepEqual(of(flaky.id), ["started", "retrying", "started", "done"]);
      assert.deepEqual(of(broken.id), ["started", "failed"]);
      assert.deepEqual(of(afterBroken.id), ["started", "done"]);
      assert.deepEqual(of(stale.id), [], "the expired job never started");

      // the queue's events: every finished job, the expired one dead with its reason
      const announced = await within(finished(events, 6), "six finished events");
      assert.deepEqual(
        announced.map((e) => [e.type, e.id]).sort(),
        [
          ["dead", stale.id],
          ["done", afterBroken.id],
          ["done", flaky.id],
          ["done", grouped.id],
          ["done", high.id],
          ["failed", broken.id],
        ].sort(),
      );
      const dead = announced.find((e) => e.id === stale.id);
      assert.ok(dead?.type === "dead" && dead.result.reason === REASON.expired);
      await events.return();
      const [listed] = (await producer.queue(queue).jobs({ state: "dead" })).jobs;
      assert.deepEqual(
        [listed.id, listed.group, listed.result?.reason],
        [stale.id, "g", REASON.expired],
        "the expired job is listed as dead, with its group",
      );

      // the metrics: the worker's counters and the queue's gauges
      const text = await worker.metrics();
      assert.deepEqual(jobTotals(text, "seen_run"), {
        done: 4,
        failed: 0,
        retried: 1,
        dead: 0,
        cancelled: 0,
      });
      assert.equal(jobTotals(text, "seen_fail").failed, 1);
      const gauges = queueGauges(text, queue);
      assert.deepEqual(
        [gauges.queued, gauges.active, gauges.deferred, gauges.done, gauges.failed, gauges.dead],
        [0, 0, 0, 4, 1, 1],
      );
      await worker.stop();
      await running;
    });

    it("counts(), jobs(), cancel, pause and requeue see jobs waiting for their group's slot", async () => {
      const queue = "flow-ops";
      const producer = h.producer();
      const q = producer.queue(queue);
      const release = latch();
      const worker = h.worker({ concurrency: 4 });
      worker.actor(async function ops_hold(this: JobContext, name: string) {
        await new Promise<void>((resolve, reject) => {
          void release.opened.then(resolve);
          this.signal.addEventListener("abort", () => reject(this.signal.reason));
        });
        return name;
      }, { queue, groupConcurrency: 1 });
      const seen = recordEvents(worker);
      const [g1, g2, g3, high, plain] = await producer.enqueueJobs([
        { actor: "ops_hold", queue, args: ["g1"], group: "g" },
        { actor: "ops_hold", queue, args: ["g2"], group: "g" },
        { actor: "ops_hold", queue, args: ["g3"], group: "g" },
        { actor: "ops_hold", queue, args: ["high"], priority: 5 },
        { actor: "ops_hold", queue, args: ["plain"] },
      ]);
      const running = worker.runForever({ handleSignals: false });
      const startedIds = () => seen.filter(([n]) => n === "started").map(([, id]) => id);
      await waitFor("three jobs to start", () => startedIds().length === 3);
      assert.deepEqual(startedIds().sort(), [g1.id, high.id, plain.id].sort());

      // g2 and g3 wait for the group's slot: queued, counted and listed as such
      assert.deepEqual(
        [await g2.status(), await g3.status(), await g1.status()],
        ["queued", "queued", "in_progress"],
      );
      const counts = await q.counts();
      assert.deepEqual([counts.queued, counts.active], [2, 3]);
      const queued = (await q.jobs({ state: "queued" })).jobs;
      assert.deepEqual(
        queued.map((j) => [j.id, j.group]).sort(),
        [[g2.id, "g"], [g3.id, "g"]].sort(),
      );
      const active = (await q.jobs({ state: "active" })).jobs;
      assert.deepEqual(active.map((j) => j.id).sort(), [g1.id, high.id, plain.id].sort());
      assert.equal(active.find((j) => j.id === high.id)?.priority, 5);
      assert.equal(active.find((j) => j.id === g1.id)?.group, "g");
      const gauges = queueGauges(await worker.metrics(), queue);
      assert.deepEqual([gauges.queued, gauges.active], [2, 3]);

      // cancel: a job waiting for the slot never starts; the running one frees the slot
      assert.deepEqual(await g3.cancel(), { cancelled: true, status: "cancelled" });
      assert.equal((await g3.waitResult({ timeoutMs: 10_000 })).status, "cancelled");
      assert.equal((await q.counts()).queued, 1);
      assert.deepEqual(await g1.cancel(), { cancelled: true, status: "cancelled" });
      await waitFor("g2 to start in the freed slot", () => startedIds().includes(g2.id));
      assert.ok(seen.some(([n, id]) => n === "cancelled" && id === g1.id));

      // pause: a grouped, prioritised job enqueued meanwhile waits; resume lets it run
      assert.equal(await q.pause(), true);
      const later = await producer.enqueueJob("ops_hold", {
        queue,
        args: ["later"],
        group: "h",
        priority: 9,
      });
      release.open();
      const ran = await Promise.all([g2, high, plain].map((j) => j.waitResult()));
      assert.deepEqual(ran.map((r) => r.value), ["g2", "high", "plain"]);
      assert.equal(await later.status(), "queued", "held while the queue is paused");
      assert.deepEqual((await q.jobs({ state: "queued" })).jobs.map((j) => j.id), [later.id]);
      assert.equal(await q.resume(), true);
      assert.equal((await later.waitResult({ timeoutMs: 10_000 })).value, "later");

      // requeue: a finished grouped job goes back into its group and runs again
      assert.deepEqual(await g2.requeue(), { requeued: true, status: "queued" });
      assert.equal((await g2.info())?.group, "g");
      await waitFor(
        "g2 to run again",
        async () =>
          startedIds().filter((id) => id === g2.id).length === 2 &&
          (await g2.status()) === "done",
      );
      const totals = jobTotals(await worker.metrics(), "ops_hold");
      assert.deepEqual([totals.done, totals.cancelled], [5, 1]);
      await worker.stop();
      await running;
    });
  });
}
