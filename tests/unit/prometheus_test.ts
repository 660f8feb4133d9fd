/**
 * `MetricRegistry`: the Prometheus text exposition format, read back by a
 * parser the project does not write.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePrometheus as parsePrometheusTextFormat } from "../support/prometheus_text.ts";
import { MetricRegistry } from "../../src/core/prometheus.ts";

test("`MetricRegistry.text()` writes HELP and TYPE lines and escapes label values", () => {
  const r = new MetricRegistry();
  const c = r.counter("repid_jobs_total", "Jobs.\nAll of them.", ["queue"]);
  c.inc({ queue: 'a"b\\c\nd' });
  c.inc({ queue: 'a"b\\c\nd' }, 2);
  r.gauge("repid_worker_concurrency", "Slots.").collect(() => [{ labels: {}, value: 5 }]);
  const text = r.text();
  assert.ok(text.includes("# HELP repid_jobs_total Jobs.\\nAll of them.\n"));
  assert.ok(text.includes('repid_jobs_total{queue="a\\"b\\\\c\\nd"} 3\n'));
  const parsed = parsePrometheusTextFormat(text);
  assert.deepEqual(parsed, [
    {
      name: "repid_jobs_total",
      help: "Jobs.\nAll of them.",
      type: "COUNTER",
      metrics: [{ labels: { queue: 'a"b\\c\nd' }, value: "3" }],
    },
    {
      name: "repid_worker_concurrency",
      help: "Slots.",
      type: "GAUGE",
      metrics: [{ value: "5" }],
    },
  ]);
});

test("`Histogram.observe()` fills cumulative buckets, the sum and the count", () => {
  const r = new MetricRegistry();
  const h = r.histogram("repid_job_duration_seconds", "Run time.", [], [0.1, 1, 10]);
  for (const v of [0.05, 0.1, 0.5, 20]) h.observe({}, v);
  const [family] = parsePrometheusTextFormat(r.text());
  assert.deepEqual(family.metrics, [{
    buckets: { "0.1": "2", "1": "3", "10": "3", "+Inf": "4" },
    count: "4",
    sum: "20.65",
  }]);
});

test("`MetricRegistry` refuses bad names, twice the same name and unordered buckets", () => {
  const r = new MetricRegistry();
  assert.throws(() => r.counter("bad-name", "x"), {
    name: "TypeError",
    message: 'Cannot add metric: "bad-name" is not a Prometheus metric name',
  });
  r.counter("a_total", "x");
  assert.throws(() => r.gauge("a_total", "x"), {
    name: "TypeError",
    message: 'Cannot add metric "a_total": a metric with that name exists',
  });
  assert.throws(() => r.histogram("h", "x", [], [1, 1]), {
    name: "RangeError",
    message: 'Cannot add histogram "h": its buckets must ascend, got 1, 1',
  });
});
