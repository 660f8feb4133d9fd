/**
 * `worker.metrics()`, `worker.health()` and `worker.fetchHandler`, on each store.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { parsePrometheus as parsePrometheusTextFormat } from "../support/prometheus_text.ts";
import { backends, type Harness } from "../support/harness.ts";
import { latch, waitFor } from "../support/wait.ts";

for (const backend of backends) {
  describe(`[${backend.name}] worker.metrics() and health`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("`metrics()` counts a dead-lettered job and shows a running one", async () => {
      const worker = h.worker({ concurrency: 3 });
      const release = latch();
      const started = latch();
      worker.actor(async function hold() {
        started.open();
        await release.opened;
      }, { queue: "met-q" });
      const running = worker.runForever({ handleSignals: false });
      await h.backend().enqueue([{
        id: "met-bad",
        customId: true,
        queue: "met-q",
        actor: "hold",
        argsJson: "[",
        dueAt: 0,
      }]);
      const job = await h.producer().enqueueJob("hold", { queue: "met-q" });
      await started.opened;
      const parsed = await waitFor("the dead job counted", async () => {
        const families = parsePrometheusTextFormat(await worker.metrics()) as {
          name: string;
          metrics: { labels?: Record<string, string>; value?: string }[];
        }[];
        const jobs = families.find((f) => f.name === "repid_jobs_total")!.metrics;
        const running = families.find((f) => f.name === "repid_jobs_running")!.metrics;
        // the dead job leaves the running ones once its handling has returned
        return jobs.some((m) => m.labels?.status === "dead" && m.value === "1") &&
            running[0].value === "1"
          ? families
          : undefined;
      });
      const sample = (name: string) => parsed.find((f) => f.name === name)!.metrics[0];
      // every outcome of the actor shows, at 0 until it happens
      const jobs = parsed.find((f) => f.name === "repid_jobs_total")!.metrics;
      assert.deepEqual(
        jobs.map((m) => [m.labels, m.value]),
        ["done", "failed", "retried", "dead", "cancelled"].map((status) => [
          { queue: "met-q", actor: "hold", status },
          status === "dead" ? "1" : "0",
        ]),
      );
      assert.deepEqual(sample("repid_jobs_running"), { labels: { queue: "met-q" }, value: "1" });
      assert.equal(sample("repid_worker_concurrency").value, "3");
      release.open();
      await job.result;
      await worker.stop();
      await running;
    });

    it("`metrics()` reads the queue-wide gauges from the store: jobs per state, the oldest wait", async () => {
      const worker = h.worker({ concurrency: 1 });
      const release = latch();
      const started = latch();
      worker.actor(async function hold_one() {
        started.open();
        await release.opened;
      }, { queue: "met-gauge" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const first = await producer.enqueueJob("hold_one", { queue: "met-gauge" });
      await started.opened;
      // behind the running job, it waits
      const late = await producer.enqueueJob("hold_one", { queue: "met-gauge" });
      await waitFor("10 ms since its enqueue", () => Date.now() >= late.enqueuedAt + 10);
      const families = parsePrometheusTextFormat(await worker.metrics()) as {
        name: string;
        metrics: { labels?: Record<string, string>; value?: string }[];
      }[];
      const gauge = (name: string) => families.find((f) => f.name === name)!.metrics;
      const jobs = Object.fromEntries(
        gauge("repid_queue_jobs").map((m) => [m.labels!.state, Number(m.value)]),
      );
      assert.equal(jobs.active, 1);
      assert.equal(jobs.queued, 1);
      assert.equal(jobs.deferred, 0);
      assert.equal(jobs.done, 0);
      const [oldest] = gauge("repid_queue_oldest_waiting_seconds");
      assert.equal(oldest.labels?.queue, "met-gauge");
      const waited = Number(oldest.value);
      assert.ok(waited >= 0.009 && waited < 60, `waited ${waited} s since its enqueue`);
      release.open();
      await Promise.all([first.result, late.result]);
      await worker.stop();
      await running;
    });

    it("`/healthz` and `/readyz` answer 200 while running, 503 once stopping", async () => {
      const worker = h.worker();
      worker.actor(async function nothing() {}, { queue: "met-health" });
      const get = async (path: string) => {
        const res = await worker.fetchHandler(new Request(`http://worker${path}`));
        await res.body?.cancel();
        return res.status;
      };
      assert.equal(await get("/healthz"), 503, "not alive before runForever()");
      const running = worker.runForever({ handleSignals: false });
      await waitFor("the worker to be ready", () => worker.health().ready);
      assert.equal(await get("/healthz"), 200);
      assert.equal(await get("/readyz"), 200);
      const stopping = worker.stop();
      assert.deepEqual(worker.health(), { alive: false, ready: false });
      assert.equal(await get("/readyz"), 503);
      await stopping;
      await running;
      assert.equal(await get("/healthz"), 503);
      assert.equal(await get("/other"), 404);
    });

    it("with `metrics: false`, `metrics()` rejects and `/metrics` answers 404", async () => {
      const worker = h.worker({ metrics: false });
      await assert.rejects(worker.metrics(), {
        name: "TypeError",
        message: "Cannot read metrics: the worker was created with metrics: false",
      });
      const res = await worker.fetchHandler(new Request("http://worker/metrics"));
      assert.equal(res.status, 404);
      await res.body?.cancel();
      assert.throws(() => h.worker({ metrics: "yes" as never }), {
        name: "TypeError",
        message: 'Cannot create worker: metrics is "yes", expected a boolean',
      });
    });
  });
}
