/**
 * `repid worker --metrics-port`: a worker in its own process serves its
 * metrics (read with a Prometheus text parser), `/healthz` and `/readyz`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  parsePrometheus as parsePrometheusTextFormat,
  type PromFamily,
  type PromSample,
} from "../support/prometheus_text.ts";
import { Repid } from "../../mod.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { runDeno, within } from "../support/subprocess.ts";
import { waitFor } from "../support/wait.ts";

type Sample = PromSample;
type Family = PromFamily;

/** The value of `name` whose labels include `labels` (a counter or gauge). */
function value(families: Family[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  assert.ok(family, `metric ${name} is exposed`);
  const sample = family.metrics.find((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)
  );
  assert.ok(sample, `${name} has a sample with ${JSON.stringify(labels)}`);
  return Number(sample.value ?? sample.count);
}

test("`repid worker --metrics-port` serves metrics that count the jobs it ran, and health", async () => {
  const prefix = testPrefix("cli-metrics");
  const run = runDeno([
    "run",
    "-A",
    "src/cli/main.ts",
    "worker",
    "tests/integration/fixtures/observe_actors.ts",
    "--prefix",
    prefix,
    "--redis-url",
    REDIS_URL,
    "--concurrency",
    "7",
    "--metrics-port",
    "0",
  ]);
  const producer = new Repid(REDIS_URL, { prefix, logger: "silent" });
  try {
    await within(run.waitForOutput("worker started", 60_000), 60_000, "the worker's start");
    const port = Number(/serving \/metrics.* on http:\/\/0\.0\.0\.0:(\d+)/.exec(run.stdout())?.[1]);
    assert.ok(port > 0, `the log names the port:\n${run.stdout()}`);
    const base = `http://127.0.0.1:${port}`;
    const ok = await Promise.all(
      [1, 2, 3].map((n) => producer.enqueueJob("obs_double", { queue: "observe", args: [n] })),
    );
    const bad = await Promise.all(
      [1, 2].map(() => producer.enqueueJob("obs_fail", { queue: "observe" })),
    );
    const results = await Promise.all([...ok, ...bad].map((j) => j.result));
    assert.deepEqual(results.map((r) => r.status), ["done", "done", "done", "failed", "failed"]);

    // The ack lands before the worker counts it: wait until the counts show the last one.
    let text = "";
    const families = await waitFor("the metrics to count every job", async () => {
      const res = await fetch(`${base}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      text = await res.text();
      const parsed = parsePrometheusTextFormat(text) as Family[];
      const done = parsed.find((f) => f.name === "repid_jobs_total")?.metrics ?? [];
      const total = done.reduce((n, m) => n + Number(m.value), 0);
      return total === 3 + 2 + 2 ? parsed : undefined;
    });
    const jobs = (status: string, actor: string) =>
      value(families, "repid_jobs_total", { queue: "observe", actor, status });
    assert.equal(jobs("done", "obs_double"), 3);
    assert.equal(jobs("failed", "obs_fail"), 2);
    assert.equal(jobs("retried", "obs_fail"), 2);
    const type = (name: string) => families.find((f) => f.name === name)?.type;
    assert.equal(type("repid_jobs_total"), "COUNTER");
    assert.equal(type("repid_job_duration_seconds"), "HISTOGRAM");
    assert.equal(type("repid_job_wait_seconds"), "HISTOGRAM");
    // One duration per attempt (3 + 2 × 2), one wait per delivery (3 + 2).
    // The parser reads a histogram of one label set only (it merges them, and keeps
    // the count and sum of an unlabelled one): give it one set, its labels taken off.
    const histogram = (name: string, actor: string): Sample => {
      const labels = `queue="observe",actor="${actor}"`;
      const lines = text.split("\n").filter((l) =>
        l === `# TYPE ${name} histogram` || l.startsWith(`# HELP ${name} `) ||
        (l.startsWith(name) && l.includes(labels))
      ).map((l) => l.replace(`{${labels}}`, "").replace(`${labels},`, ""));
      const parsed = parsePrometheusTextFormat(lines.join("\n") + "\n") as Family[];
      assert.equal(parsed.length, 1, `one family ${name}`);
      return parsed[0].metrics[0];
    };
    assert.equal(Number(histogram("repid_job_duration_seconds", "obs_double").count), 3);
    assert.equal(Number(histogram("repid_job_duration_seconds", "obs_fail").count), 4);
    assert.equal(Number(histogram("repid_job_wait_seconds", "obs_double").count), 3);
    assert.equal(Number(histogram("repid_job_wait_seconds", "obs_fail").count), 2);
    const buckets = histogram("repid_job_duration_seconds", "obs_double").buckets!;
    assert.equal(Number(buckets["600"]), 3, "every run is under the last bucket");
    assert.equal(value(families, "repid_worker_concurrency"), 7);
    assert.equal(value(families, "repid_jobs_running", { queue: "observe" }), 0);
    assert.equal(value(families, "repid_lease_lost_total", { queue: "observe" }), 0);
    assert.equal(value(families, "repid_store_errors_total"), 0);
    // the queue-wide gauges, read from the store at the scrape
    const queueJobs = (state: string) =>
      value(families, "repid_queue_jobs", { queue: "observe", state });
    assert.deepEqual(
      ["queued", "deferred", "active", "done", "failed", "dead"].map(queueJobs),
      [0, 0, 0, 3, 2, 0],
    );
    assert.equal(value(families, "repid_queue_oldest_waiting_seconds", { queue: "observe" }), 0);

    const healthz = await fetch(`${base}/healthz`);
    assert.equal(healthz.status, 200);
    assert.equal(await healthz.text(), "ok\n");
    const readyz = await fetch(`${base}/readyz`);
    assert.equal(readyz.status, 200);
    const missing = await fetch(`${base}/nope`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();

    run.signal("SIGTERM");
    const { code } = await within(run.exited, 30_000, "the worker's exit");
    assert.equal(code, 0);
  } finally {
    run.kill();
    await producer.close();
    await cleanup(prefix);
  }
});
