// deno-lint-ignore-file require-await -- actors are async functions, as in the guide
/**
 * `producer.queue(name).events()`: the finished jobs and progress of a queue,
 * on each store and from a worker in another process.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProducerClosedError, type QueueEvent, Repid } from "../../mod.ts";
import { INLINE_RESULT_MAX } from "../../src/core/store_limits.ts";
import { fileURLToPath } from "node:url";
import { spawnScript } from "../support/child_script.ts";
import { backends, type Harness } from "../support/harness.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { waitFor, within } from "../support/wait.ts";

/** A worker of the observe actors in a process of its own (a literal URL, for the Node run). */
const OBSERVE_WORKER = fileURLToPath(new URL("./fixtures/observe_worker.ts", import.meta.url));

/** Reads events until `until` says to stop; returns them. */
async function collect(
  events: AsyncIterable<QueueEvent>,
  until: (seen: QueueEvent[]) => boolean,
): Promise<QueueEvent[]> {
  const seen: QueueEvent[] = [];
  for await (const e of events) {
    seen.push(e);
    if (until(seen)) break;
  }
  return seen;
}

for (const backend of backends) {
  describe(`[${backend.name}] queue.events()`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("yields done, failed, dead and progress events of the queue's jobs, and no other queue's", async () => {
      const worker = h.worker();
      worker.actor(async function ev_ok(n: number) {
        this.progress({ half: n });
        return n;
      }, { queue: "qe" });
      worker.actor(async function ev_bad() {
        throw new TypeError("nope");
      }, { queue: "qe" });
      worker.actor(async function ev_other() {}, { queue: "qe-other" });
      const producer = h.producer();
      const events = producer.queue("qe").events();
      await events.ready;
      const running = worker.runForever({ handleSignals: false });
      await producer.enqueueJob("ev_other", { queue: "qe-other" });
      const ok = await producer.enqueueJob("ev_ok", { queue: "qe", args: [7] });
      await ok.result;
      const bad = await producer.enqueueJob("ev_bad", { queue: "qe" });
      await bad.result;
      await h.backend().enqueue([{
        id: "qe-malformed",
        customId: true,
        queue: "qe",
        actor: "ev_ok",
        argsJson: "[",
        dueAt: 0,
      }]);
      const seen = await within(collect(events, (s) => s.length === 4), "four events");
      assert.deepEqual(seen.map((e) => [e.type, e.id]), [
        ["progress", ok.id],
        ["done", ok.id],
        ["failed", bad.id],
        ["dead", "qe-malformed"],
      ]);
      const [progress, done, failed, dead] = seen;
      assert.deepEqual(progress, {
        type: "progress",
        id: ok.id,
        queue: "qe",
        progress: { half: 7 },
      });
      assert.ok(done.type === "done" && done.result.value === 7 && done.actor === "ev_ok");
      assert.ok(failed.type === "failed" && failed.result.error?.name === "TypeError");
      assert.ok(dead.type === "dead" && dead.result.reason === "malformed");
      assert.deepEqual(await events.next(), { done: true, value: undefined }, "ended by break");
      await worker.stop();
      await running;
    });

    it("reads a finished job whose result is too large for the announcement", async () => {
      const worker = h.worker();
      worker.actor(async function ev_big() {
        return "x".repeat(INLINE_RESULT_MAX + 10);
      }, { queue: "qe-big" });
      const producer = h.producer();
      const events = producer.queue("qe-big").events();
      await events.ready;
      const running = worker.runForever({ handleSignals: false });
      const job = await producer.enqueueJob("ev_big", { queue: "qe-big" });
      const [e] = await within(collect(events, (s) => s.length === 1), "the done event");
      assert.equal(e.type, "done");
      assert.equal(e.id, job.id);
      assert.equal(
        (e as { result: { value: string } }).result.value.length,
        INLINE_RESULT_MAX + 10,
      );
      await worker.stop();
      await running;
    });

    it("`queue.throughput()` reads the last hour by default and refuses a bad `since`", async () => {
      const worker = h.worker();
      worker.actor(async function tp_job() {}, { queue: "qe-tp" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const jobs = await producer.enqueueJobs(
        [1, 2, 3].map(() => ({ actor: "tp_job", queue: "qe-tp" })),
      );
      await Promise.all(jobs.map((j) => j.result));
      const hour = await producer.queue("qe-tp").throughput();
      assert.ok(hour.length === 61 || hour.length === 62, `an hour of minutes: ${hour.length}`);
      assert.equal(hour.reduce((n, m) => n + m.done, 0), 3);
      await assert.rejects(producer.queue("qe-tp").throughput({ since: "yesterday" as never }), {
        name: "TypeError",
      });
      await worker.stop();
      await running;
    });

    it("a partitioned queue: events of every partition, throughput and gauges summed", async () => {
      const worker = h.worker({ concurrency: 4 });
      worker.actor(async function part_ev(n: number) {
        return n;
      }, { queue: "qe-part", partitions: 3 });
      const running = worker.runForever({ handleSignals: false });
      await waitFor("the worker to be ready", () => worker.health().ready);
      const producer = h.producer();
      const events = producer.queue("qe-part").events();
      await events.ready;
      const jobs = await Promise.all(
        [1, 2, 3, 4, 5, 6].map((n) =>
          producer.enqueueJob("part_ev", { queue: "qe-part", args: [n] })
        ),
      );
      assert.equal(new Set(jobs.map((j) => j.partition)).size, 3, "spread over the partitions");
      const seen = await within(collect(events, (s) => s.length === 6), "six done events");
      assert.deepEqual(new Set(seen.map((e) => e.id)), new Set(jobs.map((j) => j.id)));
      assert.ok(seen.every((e) => e.type === "done" && e.queue === "qe-part"), "the logical queue");
      const minutes = await producer.queue("qe-part").throughput({ since: Date.now() - 60_000 });
      assert.equal(minutes.reduce((n, m) => n + m.done, 0), 6);
      const text = await worker.metrics();
      assert.match(text, /\nrepid_queue_jobs\{queue="qe-part",state="done"\} 6\n/);
      assert.match(text, /\nrepid_jobs_total\{queue="qe-part",actor="part_ev",status="done"\} 6\n/);
      await worker.stop();
      await running;
    });

    it("ends when its signal aborts and when the producer closes", async () => {
      const producer = h.producer();
      const controller = new AbortController();
      const byAbort = producer.queue("qe-end").events({ signal: controller.signal });
      const byClose = producer.queue("qe-end").events();
      await Promise.all([byAbort.ready, byClose.ready]);
      const first = byAbort.next();
      controller.abort();
      assert.deepEqual(await first, { done: true, value: undefined });
      const second = byClose.next();
      await producer.close();
      assert.deepEqual(await second, { done: true, value: undefined });
      assert.throws(() => producer.queue("qe-end").events(), ProducerClosedError);
      assert.throws(() => producer.queue(""), {
        name: "TypeError",
        message: "Cannot get queue: queue name is empty",
      });
    });
  });
}

describe("queue.events() across processes", () => {
  it("follows the jobs that a worker in another process finishes, with their progress", async () => {
    const prefix = testPrefix("events-xproc");
    const child = spawnScript(OBSERVE_WORKER, {
      REPID_URL: REDIS_URL,
      REPID_PREFIX: prefix,
    });
    const producer = new Repid(REDIS_URL, { prefix, logger: "silent" });
    try {
      const events = producer.queue("observe").events();
      await events.ready;
      await within(child.waitForLine(/^worker ready$/, 60_000), "the worker's start", 60_000);
      const ids = await Promise.all([
        producer.enqueueJob("obs_double", { queue: "observe", args: [21] }),
        producer.enqueueJob("obs_fail", { queue: "observe" }),
        producer.enqueueJob("obs_progress", { queue: "observe", args: [10] }),
      ]).then((jobs) => jobs.map((j) => j.id));
      const seen = await within(
        collect(events, (s) => s.filter((e) => e.type !== "progress").length === 3),
        "three finished jobs",
      );
      const finished = new Map(seen.filter((e) => e.type !== "progress").map((e) => [e.id, e]));
      assert.equal(finished.get(ids[0])?.type, "done");
      assert.equal((finished.get(ids[0]) as { result: { value: number } }).result.value, 42);
      assert.equal(finished.get(ids[1])?.type, "failed");
      assert.equal(finished.get(ids[2])?.type, "done");
      const progress = seen.filter((e) => e.type === "progress" && e.id === ids[2]);
      // the store counted them per minute, whoever finished them
      const minutes = await producer.queue("observe").throughput({ since: Date.now() - 60_000 });
      const sum = (k: "done" | "failed") => minutes.reduce((n, m) => n + m[k], 0);
      assert.deepEqual([sum("done"), sum("failed")], [2, 1]);
      assert.deepEqual(progress.at(-1), {
        type: "progress",
        id: ids[2],
        queue: "observe",
        progress: 100,
      });
    } finally {
      child.signal("SIGTERM");
      await child.exited;
      await producer.close();
      await cleanup(prefix);
    }
  });
});
