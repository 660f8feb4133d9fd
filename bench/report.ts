/**
 * The bench's arithmetic and output: medians with min–max per metric, the
 * table, the JSON lines and the goals of issue 19 (ratios within one run).
 * Pure functions.
 *
 * @module
 */

/** One child's figures (a subset is set per scenario). */
export type Sample = Record<string, unknown>;

/** The scenarios, in the order they are run and shown. */
export const SCENARIOS = [
  "enqueue-single",
  "enqueue-bulk",
  "process-c1",
  "process-c50",
  "process-c50-observed",
  "process-c50-kept",
  "process-c50-priority",
  "process-c50-groups",
  "fairness",
  "latency",
  "round-trip",
] as const;

/**
 * The scenarios of flow control (issue 17), Repid only: jobs with priorities,
 * jobs of 1,000 groups, and the fairness figure.
 */
export const FLOW_SCENARIOS: readonly Scenario[] = [
  "process-c50-priority",
  "process-c50-groups",
  "fairness",
];

/** A scenario name. */
export type Scenario = typeof SCENARIOS[number];

/** Median, min and max of one metric over the runs. */
export interface Summary {
  /** The median (the mean of the middle two for an even count). */
  median: number;
  /** The smallest value. */
  min: number;
  /** The largest value. */
  max: number;
}

/** Median, min and max of a list of numbers; `null` when empty. */
export function summarize(values: number[]): Summary | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1] };
}

/** Every numeric metric of the samples, summarized. */
export function summarizeSamples(samples: Sample[]): Record<string, Summary> {
  const out: Record<string, Summary> = {};
  const names = new Set(samples.flatMap((s) => Object.keys(s)));
  for (const name of names) {
    const values = samples.map((s) => s[name]).filter((x): x is number => typeof x === "number");
    const s = summarize(values);
    if (s) out[name] = s;
  }
  return out;
}

/** The results: library id → scenario → samples (one per run). */
export type Results = Map<string, Map<Scenario, Sample[]>>;

/** A row of the table: which scenario and metric, how to show it. */
interface Row {
  scenario: Scenario;
  metric: string;
  label: string;
  digits: number;
  scale?: number;
}

const ROWS: Row[] = [
  {
    scenario: "enqueue-single",
    metric: "jobsPerSec",
    label: "a. enqueue one by one, jobs/s",
    digits: 0,
  },
  {
    scenario: "enqueue-bulk",
    metric: "jobsPerSec",
    label: "a. enqueue bulk, jobs/s",
    digits: 0,
  },
  {
    scenario: "process-c1",
    metric: "jobsPerSec",
    label: "b. process c=1, jobs/s",
    digits: 0,
  },
  {
    scenario: "process-c50",
    metric: "jobsPerSec",
    label: "b. process c=50, jobs/s",
    digits: 0,
  },
  {
    scenario: "process-c50-observed",
    metric: "jobsPerSec",
    label: "b. process c=50, events+metrics+tracing on, jobs/s",
    digits: 0,
  },
  {
    scenario: "process-c50-kept",
    metric: "jobsPerSec",
    label: "b. process c=50, retention 1,000 done (Repid), jobs/s",
    digits: 0,
  },
  {
    scenario: "process-c50-priority",
    metric: "jobsPerSec",
    label: "b. process c=50, priorities -10..10 (Repid), jobs/s",
    digits: 0,
  },
  {
    scenario: "process-c50-groups",
    metric: "jobsPerSec",
    label: "b. process c=50, 1,000 groups × concurrency 1 (Repid), jobs/s",
    digits: 0,
  },
  {
    scenario: "fairness",
    metric: "lastSingleRank",
    label: "f. fairness: start rank of the last of 10 one-job groups beside one of 1,000 (Repid)",
    digits: 0,
  },
  {
    scenario: "latency",
    metric: "p50Ms",
    label: "c. latency p50, ms",
    digits: 2,
  },
  {
    scenario: "latency",
    metric: "p95Ms",
    label: "c. latency p95, ms",
    digits: 2,
  },
  {
    scenario: "latency",
    metric: "p99Ms",
    label: "c. latency p99, ms",
    digits: 2,
  },
  {
    scenario: "latency",
    metric: "redisCmdsPerJob",
    label: "c. Redis commands/job (enqueue → result)",
    digits: 1,
  },
  {
    scenario: "latency",
    metric: "seqCpuUsPerJob",
    label: "c. worker + producer CPU µs/job (enqueue → result)",
    digits: 1,
  },
  {
    scenario: "process-c50",
    metric: "peakRssBytes",
    label: "d. worker peak RSS (c=50), MB",
    digits: 1,
    scale: 1 / 1048576,
  },
  {
    scenario: "process-c50",
    metric: "redisCmdsPerJob",
    label: "e. Redis commands/job (c=50)",
    digits: 1,
  },
  {
    scenario: "process-c50",
    metric: "redisCpuUsPerJob",
    label: "e. Redis CPU µs/job (c=50)",
    digits: 1,
  },
  {
    scenario: "process-c50-priority",
    metric: "redisCmdsPerJob",
    label: "e. Redis commands/job (c=50, priorities)",
    digits: 1,
  },
  {
    scenario: "process-c50-groups",
    metric: "redisCmdsPerJob",
    label: "e. Redis commands/job (c=50, 1,000 groups)",
    digits: 1,
  },
  {
    scenario: "process-c50-priority",
    metric: "redisCpuUsPerJob",
    label: "e. Redis CPU µs/job (c=50, priorities)",
    digits: 1,
  },
  {
    scenario: "process-c50-groups",
    metric: "redisCpuUsPerJob",
    label: "e. Redis CPU µs/job (c=50, 1,000 groups)",
    digits: 1,
  },
  {
    scenario: "process-c1",
    metric: "redisCmdsPerJob",
    label: "e. Redis commands/job (c=1)",
    digits: 1,
  },
  {
    scenario: "process-c1",
    metric: "redisCpuUsPerJob",
    label: "e. Redis CPU µs/job (c=1)",
    digits: 1,
  },
  {
    scenario: "process-c50",
    metric: "workerCpuUsPerJob",
    label: "   worker CPU µs/job (c=50)",
    digits: 1,
  },
  {
    scenario: "enqueue-single",
    metric: "redisCmdsPerJob",
    label: "   Redis commands/job (enqueue one)",
    digits: 1,
  },
  {
    scenario: "round-trip",
    metric: "roundTripUs",
    label: "   floor: PING round trip on the library's own client, µs",
    digits: 1,
  },
  {
    scenario: "round-trip",
    metric: "clientCpuUsPerRoundTrip",
    label: "   floor: client CPU per PING round trip, µs",
    digits: 1,
  },
];

function fmt(n: number, digits: number): string {
  return n.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** The median of a metric of a library's scenario, or `undefined`. */
export function median(
  results: Results,
  library: string,
  scenario: Scenario,
  metric: string,
): number | undefined {
  const samples = results.get(library)?.get(scenario);
  if (!samples) return undefined;
  return summarizeSamples(samples.filter((s) => !("error" in s)))[metric]
    ?.median;
}

/** The table of medians with min–max, one column per library, as Markdown. */
export function table(results: Results, libraries: string[]): string {
  const header = ["metric (median, min–max)", ...libraries];
  const lines = [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? "---" : "--:")).join("|")}|`,
  ];
  for (const row of ROWS) {
    const cells = libraries.map((lib) => {
      const samples = results.get(lib)?.get(row.scenario) ?? [];
      if (samples.some((s) => "error" in s)) return "error";
      const s = summarizeSamples(samples)[row.metric];
      if (!s) return "–";
      const k = row.scale ?? 1;
      const med = fmt(s.median * k, row.digits);
      if (samples.length < 2) return med;
      return `${med} (${fmt(s.min * k, row.digits)}–${fmt(s.max * k, row.digits)})`;
    });
    lines.push(`| ${row.label} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** One JSON line per (library, scenario): medians, mins and maxes of every metric. */
export function jsonLines(
  results: Results,
  meta: (library: string, scenario: Scenario) => Record<string, unknown>,
): string[] {
  const out: string[] = [];
  for (const [library, byScenario] of results) {
    for (const scenario of SCENARIOS) {
      const samples = byScenario.get(scenario);
      if (!samples) continue;
      const errors = samples.filter((s) => "error" in s).map((s) => s.error);
      const ok = samples.filter((s) => !("error" in s));
      const summary = summarizeSamples(ok);
      const pick = (k: keyof Summary) =>
        Object.fromEntries(Object.entries(summary).map(([m, s]) => [m, s[k]]));
      const first = ok[0] ?? {};
      out.push(JSON.stringify({
        bench: "repid",
        library,
        scenario,
        runtime: first.runtime,
        version: first.version,
        ...meta(library, scenario),
        runs: ok.length,
        median: pick("median"),
        min: pick("min"),
        max: pick("max"),
        redisCalls: first.redisCalls,
        ...(errors.length ? { errors } : {}),
      }));
    }
  }
  return out;
}

/** A goal of issue 19, evaluated for one Repid variant. */
export interface TargetResult {
  /** What is compared. */
  name: string;
  /** The measured ratio Repid / peer, or the figure itself for an absolute goal. */
  ratio: number | undefined;
  /** The goal, as text ("≥ 3×", "≤ 15"). */
  goal: string;
  /** Whether the goal is met; `undefined` when a figure is missing or there is no goal. */
  pass: boolean | undefined;
  /** `true` when `ratio` is the figure itself (an absolute goal). */
  absolute?: boolean;
  /**
   * The best ratio a one-round-trip-per-job design could reach in this run:
   * a job that cost only one PING round trip of Repid's own client
   * (scenario `round-trip`), against the peer's measured rate.
   */
  ceiling?: number;
}

/** The goals of issue 19 for `repid` (a library id) against `bullmq` and `bee-queue`. */
export function targets(results: Results, repid: string): TargetResult[] {
  const m = (lib: string, scenario: Scenario, metric: string) =>
    median(results, lib, scenario, metric);
  const check = (
    name: string,
    ours: number | undefined,
    theirs: number | undefined,
    op: ">=" | "<=",
    factor: number,
  ): TargetResult => {
    const ratio = ours !== undefined && theirs !== undefined && theirs > 0
      ? ours / theirs
      : undefined;
    const pass = ratio === undefined ? undefined : op === ">=" ? ratio >= factor : ratio <= factor;
    return { name, ratio, goal: `${op === ">=" ? "≥" : "≤"} ${factor}×`, pass };
  };
  const atMost = (
    name: string,
    value: number | undefined,
    max: number,
  ): TargetResult => ({
    name,
    ratio: value,
    goal: `≤ ${max}`,
    pass: value === undefined ? undefined : value <= max,
    absolute: true,
  });
  const rss = m(repid, "process-c50", "peakRssBytes");
  // One awaited call per job can go no faster than one round trip of the client.
  const roundTrips = m(repid, "round-trip", "roundTripsPerSec");
  const withCeiling = (t: TargetResult, peerRate: number | undefined): TargetResult =>
    roundTrips !== undefined && peerRate !== undefined && peerRate > 0
      ? { ...t, ceiling: roundTrips / peerRate }
      : t;
  const beeSingle = m("bee-queue", "enqueue-single", "jobsPerSec");
  const beeC1 = m("bee-queue", "process-c1", "jobsPerSec");
  return [
    withCeiling(
      check(
        "enqueue one by one jobs/s vs Bee-Queue",
        m(repid, "enqueue-single", "jobsPerSec"),
        beeSingle,
        ">=",
        1.2,
      ),
      beeSingle,
    ),
    check(
      "enqueue bulk jobs/s vs Bee-Queue",
      m(repid, "enqueue-bulk", "jobsPerSec"),
      m("bee-queue", "enqueue-bulk", "jobsPerSec"),
      ">=",
      1.5,
    ),
    withCeiling(
      check(
        "process c=1 jobs/s vs Bee-Queue",
        m(repid, "process-c1", "jobsPerSec"),
        beeC1,
        ">=",
        1.2,
      ),
      beeC1,
    ),
    check(
      "process c=50 jobs/s vs BullMQ",
      m(repid, "process-c50", "jobsPerSec"),
      m("bullmq", "process-c50", "jobsPerSec"),
      ">=",
      3,
    ),
    check(
      "process c=50 jobs/s vs Bee-Queue",
      m(repid, "process-c50", "jobsPerSec"),
      m("bee-queue", "process-c50", "jobsPerSec"),
      ">=",
      2,
    ),
    check(
      "latency p50 vs Bee-Queue",
      m(repid, "latency", "p50Ms"),
      m("bee-queue", "latency", "p50Ms"),
      "<=",
      1,
    ),
    check(
      "latency p99 vs Bee-Queue",
      m(repid, "latency", "p99Ms"),
      m("bee-queue", "latency", "p99Ms"),
      "<=",
      1,
    ),
    atMost(
      "Redis commands per job, sequential enqueue → result",
      m(repid, "latency", "redisCmdsPerJob"),
      15,
    ),
    check(
      "worker + producer CPU per job, sequential, vs Bee-Queue",
      m(repid, "latency", "seqCpuUsPerJob"),
      m("bee-queue", "latency", "seqCpuUsPerJob"),
      "<=",
      1,
    ),
    atMost(
      "worker peak RSS (c=50), MB",
      rss === undefined ? undefined : rss / 1048576,
      95,
    ),
    check(
      "Redis CPU per job (c=50) vs BullMQ",
      m(repid, "process-c50", "redisCpuUsPerJob"),
      m("bullmq", "process-c50", "redisCpuUsPerJob"),
      "<=",
      0.4,
    ),
  ];
}

/**
 * The cost of observing (issue 15): throughput at c=50 with events, metrics
 * and tracing (no SDK) on, against off; the goal is within 5 %.
 */
export function observeCost(results: Results, repid: string): TargetResult {
  const on = median(results, repid, "process-c50-observed", "jobsPerSec");
  const off = median(results, repid, "process-c50", "jobsPerSec");
  const ratio = on !== undefined && off !== undefined && off > 0 ? on / off : undefined;
  return {
    name: "process c=50 jobs/s, observed / not",
    ratio,
    goal: "≥ 0.95×",
    pass: ratio === undefined ? undefined : ratio >= 0.95,
  };
}

/**
 * The cost of flow control (issue 17): throughput at c=50 of jobs with
 * priorities and of jobs of 1,000 groups, against plain jobs, in this run.
 */
export function flowCost(results: Results, repid: string): TargetResult[] {
  const plain = median(results, repid, "process-c50", "jobsPerSec");
  const ratio = (scenario: Scenario, name: string): TargetResult => {
    const flow = median(results, repid, scenario, "jobsPerSec");
    const r = flow !== undefined && plain !== undefined && plain > 0 ? flow / plain : undefined;
    return { name, ratio: r, goal: "none", pass: undefined };
  };
  return [
    ratio("process-c50-priority", "process c=50 jobs/s, priorities / plain"),
    ratio("process-c50-groups", "process c=50 jobs/s, 1,000 groups / plain"),
  ];
}

/** The targets as a Markdown table. */
export function targetTable(
  rows: { repid: string; results: TargetResult[] }[],
): string {
  const lines = [
    "| target | goal | " + rows.map((r) => r.repid).join(" | ") + " |",
  ];
  lines.push("|---|:-:|" + rows.map(() => ":-:").join("|") + "|");
  const n = rows[0]?.results.length ?? 0;
  for (let i = 0; i < n; i++) {
    const t = rows[0].results[i];
    const cells = rows.map((r) => {
      const x = r.results[i];
      if (x.ratio === undefined) return "n/a";
      const figure = x.absolute ? x.ratio.toFixed(1) : `${x.ratio.toFixed(2)}×`;
      if (x.pass === undefined) return figure; // a figure without a goal
      const ceiling = x.ceiling === undefined ? "" : ` (ceiling ${x.ceiling.toFixed(2)}×)`;
      return `${figure} ${x.pass ? "pass" : "MISS"}${ceiling}`;
    });
    lines.push(`| ${t.name} | ${t.goal} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}
