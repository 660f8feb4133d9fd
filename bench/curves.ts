/**
 * `deno task bench --curves`: Repid's cost curves (issue 19), one Repid
 * variant (Repid on Deno by default, `--libs repid-node` for the npm build on
 * Node), against the bench's private Redis:
 *
 * - throughput at concurrency 50 against the backlog already queued;
 * - throughput, and idle Redis commands per second, against the number of
 *   queues one worker serves;
 * - throughput and latency against the payload size;
 * - throughput against the number of worker processes;
 * - Redis bytes per queued and per finished job (with its result).
 *
 * Printed as tables, saved as JSON (`.bench/curves-<time>.json` and
 * `bench/curves.json`) and drawn as an SVG (`bench/curves.svg`, shown in
 * the README). With `--smoke`, tiny sizes (a check that it runs, nothing to
 * read in the figures).
 *
 * @module
 */

import { openRaw } from "./drivers/resp.mjs";
import { cleanup, type Library, runChild, type Server, startServer } from "./processes.ts";
import { summarize } from "./report.ts";
import { type Curve, curvesSvg } from "./curves_svg.ts";

/** The sizes the curves are measured at. */
export interface CurveSizes {
  /** Jobs already queued before the timed part. */
  backlogs: number[];
  /** Jobs processed in the timed part of the backlog curve. */
  backlogN: number;
  /** Queues one worker serves. */
  queues: number[];
  /** Jobs processed (spread over the queues) per point of the queue curve. */
  queuesN: (queues: number) => number;
  /** How long the idle commands are counted, ms. */
  idleWindowMs: number;
  /** Payload sizes, bytes. */
  payloads: number[];
  /** Jobs processed per payload size (the largest get fewer: see `payloadN`). */
  payloadN: (bytes: number) => number;
  /** Jobs awaited one after the other per payload size (latency). */
  payloadLatencyN: (bytes: number) => number;
  /** Worker processes. */
  processes: number[];
  /** Jobs processed per point of the process curve. */
  processesN: number;
  /** Jobs measured for the memory figures. */
  memoryN: number;
}

/** The sizes of `deno task bench --curves`. */
export const FULL_SIZES: CurveSizes = {
  backlogs: [10_000, 100_000, 1_000_000],
  backlogN: 20_000,
  queues: [1, 10, 100, 1_000],
  queuesN: (q) => (q >= 1_000 ? 5_000 : 20_000),
  idleWindowMs: 10_000,
  payloads: [100, 10_000, 1_000_000],
  payloadN: (b) => (b >= 1_000_000 ? 300 : b >= 10_000 ? 10_000 : 20_000),
  payloadLatencyN: (b) => (b >= 1_000_000 ? 100 : 1_000),
  processes: [1, 2, 4],
  processesN: 40_000,
  memoryN: 100_000,
};

/** Tiny sizes, for a check that the curves run (`--smoke --curves`). */
export const SMOKE_SIZES: CurveSizes = {
  backlogs: [100, 1_000],
  backlogN: 100,
  queues: [1, 10],
  queuesN: () => 100,
  idleWindowMs: 1_000,
  payloads: [100, 10_000],
  payloadN: () => 100,
  payloadLatencyN: () => 20,
  processes: [1, 2],
  processesN: 200,
  memoryN: 200,
};

/** One point of a curve: its x, and the medians (with min and max) of its figures. */
export interface CurvePoint {
  x: number;
  figures: Record<string, { median: number; min: number; max: number }>;
  errors?: string[];
}

/** Everything `--curves` measured. */
export interface CurvesReport {
  bench: "repid-curves";
  library: string;
  runtime: unknown;
  runs: number;
  machine: string;
  at: string;
  backlog: CurvePoint[];
  queues: CurvePoint[];
  payload: CurvePoint[];
  processes: CurvePoint[];
  memory: CurvePoint[];
}

interface Context {
  lib: Library;
  url: string;
  runId: string;
  runs: number;
  childTimeoutMs: number;
  log: (line: string) => void;
}

type Sample = Record<string, unknown>;

/** Runs `measure` `runs` times and summarizes the numeric figures of its samples. */
async function point(
  ctx: Context,
  x: number,
  name: string,
  measure: (prefix: string) => Promise<Sample>,
): Promise<CurvePoint & { runtime?: unknown }> {
  const samples: Sample[] = [];
  const errors: string[] = [];
  let runtime: unknown;
  for (let run = 0; run < ctx.runs; run++) {
    const prefix = `repid-curves-${ctx.runId}-${name}-${x}-${run}`;
    let sample: Sample;
    try {
      sample = await measure(prefix);
    } catch (error) {
      sample = { error: String(error) };
    } finally {
      await cleanup(ctx.url, prefix);
    }
    if ("error" in sample) errors.push(String(sample.error).slice(0, 300));
    else {
      samples.push(sample);
      runtime ??= sample.runtime;
    }
    ctx.log(`curves ${name} ${x} run ${run + 1}/${ctx.runs}: ${brief(sample)}`);
  }
  const figures: CurvePoint["figures"] = {};
  const names = new Set(samples.flatMap((s) => Object.keys(s)));
  for (const key of names) {
    const values = samples.map((s) => s[key]).filter((v): v is number => typeof v === "number");
    const s = summarize(values);
    if (s) figures[key] = s;
  }
  return { x, figures, ...(errors.length ? { errors } : {}), runtime };
}

function brief(s: Sample): string {
  if ("error" in s) return `ERROR ${String(s.error).slice(0, 200)}`;
  const parts: string[] = [];
  for (
    const k of [
      "jobsPerSec",
      "p50Ms",
      "idleCmdsPerSec",
      "queuedBytesPerJob",
      "finishedBytesPerJob",
    ]
  ) {
    if (typeof s[k] === "number") {
      parts.push(`${k} ${Math.round(s[k] as number)}`);
    }
  }
  return parts.join(", ");
}

async function processRun(
  ctx: Context,
  prefix: string,
  extra: Record<string, unknown>,
  backlog: number,
  n: number,
): Promise<Sample> {
  const base = { url: ctx.url, prefix, queue: "curve", ...extra };
  const filled = await runChild(ctx.lib, {
    ...base,
    mode: "prefill",
    n: backlog,
  }, ctx.childTimeoutMs);
  if ("error" in filled) return filled;
  return await runChild(
    ctx.lib,
    { ...base, mode: "process", n, concurrency: 50 },
    ctx.childTimeoutMs,
  );
}

/** Throughput of `processes` worker processes (concurrency 50 each) over `n` queued jobs. */
async function processesRun(
  ctx: Context,
  prefix: string,
  processes: number,
  n: number,
): Promise<Sample> {
  const base = { url: ctx.url, prefix, queue: "curve" };
  const filled = await runChild(
    ctx.lib,
    { ...base, mode: "prefill", n },
    ctx.childTimeoutMs,
  );
  if ("error" in filled) return filled;
  const servers: Server[] = [];
  const raw = await openRaw(ctx.url);
  try {
    for (let i = 0; i < processes; i++) {
      servers.push(
        await startServer(ctx.lib, { ...base, concurrency: 50, waitGo: true }),
      );
    }
    const ready = `${prefix}:{curve}:ready`;
    const active = `${prefix}:{curve}:active`;
    const cpu0 = await redisCpuUs(raw);
    const t0 = performance.now();
    await Promise.all(servers.map((s) => s.go()));
    const deadline = Date.now() + ctx.childTimeoutMs;
    while (Date.now() < deadline) {
      const left = Number(await raw.command("LLEN", ready)) +
        Number(await raw.command("ZCARD", active));
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const ms = performance.now() - t0;
    const cpu = (await redisCpuUs(raw)) - cpu0;
    return {
      runtime: filled.runtime,
      ms,
      jobsPerSec: (n / ms) * 1000,
      // The share of one core Redis used meanwhile (on 2 cores, workers and Redis compete).
      redisCoreShare: cpu / (ms * 1000),
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    raw.close();
  }
}

async function redisCpuUs(
  raw: Awaited<ReturnType<typeof openRaw>>,
): Promise<number> {
  const text = String(await raw.command("INFO", "cpu"));
  const user = Number(/used_cpu_user:([\d.]+)/.exec(text)?.[1] ?? 0);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(text)?.[1] ?? 0);
  return (user + sys) * 1e6;
}

/** Latency of `n` enqueue → result round trips with a payload, against one serving worker. */
async function payloadLatency(
  ctx: Context,
  prefix: string,
  payloadBytes: number,
  n: number,
): Promise<Sample> {
  const base = { url: ctx.url, prefix, queue: "curve", payloadBytes };
  const server = await startServer(ctx.lib, { ...base, concurrency: 50 });
  try {
    return await runChild(
      ctx.lib,
      {
        ...base,
        mode: "latency",
        n,
        warmup: Math.min(20, n),
        serverPid: server.pid,
      },
      ctx.childTimeoutMs,
    );
  } finally {
    await server.stop();
  }
}

/** Measures every curve; prints tables and returns the report. */
export async function runCurves(
  lib: Library,
  url: string,
  options: {
    sizes: CurveSizes;
    runs: number;
    runId: string;
    childTimeoutMs: number;
    machine: string;
  },
): Promise<CurvesReport> {
  const ctx: Context = {
    lib,
    url,
    runId: options.runId,
    runs: options.runs,
    childTimeoutMs: options.childTimeoutMs,
    log: (line) => console.error(line),
  };
  const z = options.sizes;
  let runtime: unknown;
  const keep = (p: CurvePoint & { runtime?: unknown }): CurvePoint => {
    runtime ??= p.runtime;
    const { runtime: _, ...rest } = p;
    return rest;
  };

  const backlog: CurvePoint[] = [];
  for (const b of z.backlogs) {
    backlog.push(
      keep(
        await point(
          ctx,
          b,
          "backlog",
          (prefix) => processRun(ctx, prefix, {}, b, Math.min(z.backlogN, b)),
        ),
      ),
    );
  }

  const queues: CurvePoint[] = [];
  for (const q of z.queues) {
    const p = keep(
      await point(
        ctx,
        q,
        "queues",
        (prefix) => processRun(ctx, prefix, { queues: q }, z.queuesN(q), z.queuesN(q)),
      ),
    );
    // Idle: once per point (the window is long), the same worker set-up on empty queues.
    const idle = await runChild(ctx.lib, {
      url,
      prefix: `repid-curves-${ctx.runId}-idle-${q}`,
      queue: "curve",
      queues: q,
      concurrency: 50,
      mode: "idle",
      settleMs: Math.min(3_000, 1_000 + q * 2),
      windowMs: z.idleWindowMs,
    }, ctx.childTimeoutMs + z.idleWindowMs);
    await cleanup(url, `repid-curves-${ctx.runId}-idle-${q}`);
    ctx.log(`curves queues ${q} idle: ${JSON.stringify(idle).slice(0, 200)}`);
    if ("error" in idle) {
      (p.errors ??= []).push(String(idle.error).slice(0, 300));
    }
    for (
      const key of ["idleCmdsPerSec", "idleRedisCpuUsPerSec", "connections"]
    ) {
      const v = idle[key];
      if (typeof v === "number") p.figures[key] = { median: v, min: v, max: v };
    }
    queues.push(p);
  }

  const payload: CurvePoint[] = [];
  for (const bytes of z.payloads) {
    const p = keep(
      await point(ctx, bytes, "payload", (prefix) =>
        processRun(
          ctx,
          prefix,
          { payloadBytes: bytes },
          z.payloadN(bytes),
          z.payloadN(bytes),
        )),
    );
    const lat = await point(
      ctx,
      bytes,
      "payload-latency",
      (prefix) => payloadLatency(ctx, prefix, bytes, z.payloadLatencyN(bytes)),
    );
    for (const key of ["p50Ms", "p99Ms"]) {
      if (lat.figures[key]) p.figures[key] = lat.figures[key];
    }
    if (lat.errors) (p.errors ??= []).push(...lat.errors);
    payload.push(p);
  }

  const processes: CurvePoint[] = [];
  for (const n of z.processes) {
    processes.push(
      keep(
        await point(
          ctx,
          n,
          "processes",
          (prefix) => processesRun(ctx, prefix, n, z.processesN),
        ),
      ),
    );
  }

  const memory: CurvePoint[] = [
    keep(
      await point(ctx, z.memoryN, "memory", (prefix) =>
        runChild(ctx.lib, {
          url,
          prefix,
          queue: "curve",
          mode: "memory",
          n: z.memoryN,
        }, ctx.childTimeoutMs)),
    ),
  ];

  return {
    bench: "repid-curves",
    library: lib.id,
    runtime,
    runs: options.runs,
    machine: options.machine,
    at: new Date().toISOString(),
    backlog,
    queues,
    payload,
    processes,
    memory,
  };
}

function fmt(v: number | undefined, digits = 0): string {
  if (v === undefined || !Number.isFinite(v)) return "–";
  return v.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function bytesLabel(b: number): string {
  return b >= 1_000_000 ? `${b / 1_000_000} MB` : b >= 1_000 ? `${b / 1_000} KB` : `${b} B`;
}

/** The report as Markdown tables (medians; min–max of the runs for throughput). */
export function curvesTables(r: CurvesReport): string {
  const m = (p: CurvePoint, k: string) => p.figures[k]?.median;
  const range = (p: CurvePoint, k: string) => {
    const f = p.figures[k];
    if (!f) return "–";
    return r.runs > 1 ? `${fmt(f.median)} (${fmt(f.min)}–${fmt(f.max)})` : fmt(f.median);
  };
  const err = (
    p: CurvePoint,
  ) => (p.errors?.length ? ` (${p.errors.length} error(s))` : "");
  const out: string[] = [];
  out.push(
    `Cost curves of ${r.library} (${String(r.runtime)}), ${r.runs} run(s) a point, medians:`,
  );
  out.push("");
  out.push("| backlog queued | jobs/s at concurrency 50 |");
  out.push("|--:|--:|");
  for (const p of r.backlog) {
    out.push(`| ${fmt(p.x)} | ${range(p, "jobsPerSec")}${err(p)} |`);
  }
  out.push("");
  out.push(
    "| queues one worker serves | jobs/s at concurrency 50 | idle Redis commands/s | Redis connections |",
  );
  out.push("|--:|--:|--:|--:|");
  for (const p of r.queues) {
    out.push(
      `| ${fmt(p.x)} | ${range(p, "jobsPerSec")} | ${fmt(m(p, "idleCmdsPerSec"), 1)} | ${
        fmt(m(p, "connections"))
      }${err(p)} |`,
    );
  }
  out.push("");
  out.push(
    "| payload | jobs/s at concurrency 50 | latency p50, ms | latency p99, ms |",
  );
  out.push("|--:|--:|--:|--:|");
  for (const p of r.payload) {
    out.push(
      `| ${bytesLabel(p.x)} | ${range(p, "jobsPerSec")} | ${fmt(m(p, "p50Ms"), 2)} | ${
        fmt(m(p, "p99Ms"), 2)
      }${err(p)} |`,
    );
  }
  out.push("");
  out.push(
    "| worker processes (concurrency 50 each) | jobs/s | Redis busy, share of one core |",
  );
  out.push("|--:|--:|--:|");
  for (const p of r.processes) {
    out.push(
      `| ${p.x} | ${range(p, "jobsPerSec")} | ${fmt(m(p, "redisCoreShare"), 2)}${err(p)} |`,
    );
  }
  out.push("");
  out.push("| Redis memory | bytes per job |");
  out.push("|---|--:|");
  for (const p of r.memory) {
    out.push(
      `| queued (${fmt(p.x)} jobs) | ${fmt(m(p, "queuedBytesPerJob"))}${err(p)} |`,
    );
    out.push(
      `| finished, with its result | ${fmt(m(p, "finishedBytesPerJob"))} |`,
    );
  }
  return out.join("\n");
}

/** The curves to draw, from the report. */
export function curvesForSvg(r: CurvesReport): Curve[] {
  const series = (points: CurvePoint[], key: string) =>
    points.flatMap((p) => {
      const v = p.figures[key]?.median;
      return v === undefined ? [] : [{ x: p.x, y: v }];
    });
  const memory = r.memory[0];
  return [
    {
      title: "Backlog already queued",
      xLabel: "jobs queued",
      yLabel: "jobs/s (c=50)",
      logX: true,
      points: series(r.backlog, "jobsPerSec"),
    },
    {
      title: "Queues one worker serves",
      xLabel: "queues",
      yLabel: "jobs/s (c=50)",
      logX: true,
      points: series(r.queues, "jobsPerSec"),
    },
    {
      title: "Idle cost of many queues",
      xLabel: "queues",
      yLabel: "Redis commands/s, idle",
      logX: true,
      points: series(r.queues, "idleCmdsPerSec"),
    },
    {
      title: "Payload size",
      xLabel: "bytes of arguments",
      yLabel: "jobs/s (c=50)",
      logX: true,
      points: series(r.payload, "jobsPerSec"),
    },
    {
      title: "Payload size: latency",
      xLabel: "bytes of arguments",
      yLabel: "enqueue → result p50, ms",
      logX: true,
      points: series(r.payload, "p50Ms"),
    },
    {
      title: "Worker processes (2 cores)",
      xLabel: "processes",
      yLabel: "jobs/s",
      logX: false,
      points: series(r.processes, "jobsPerSec"),
    },
    {
      title: "Redis memory per job",
      xLabel: "",
      yLabel: "bytes",
      bars: memory
        ? [
          {
            label: "queued",
            value: memory.figures.queuedBytesPerJob?.median ?? 0,
          },
          {
            label: "finished",
            value: memory.figures.finishedBytesPerJob?.median ?? 0,
          },
        ]
        : [],
      points: [],
    },
  ];
}

/** The SVG of the report. */
export function reportSvg(r: CurvesReport): string {
  return curvesSvg(
    `Repid cost curves: ${r.library} (${String(r.runtime)}), ${r.machine}, medians of ${r.runs}`,
    curvesForSvg(r),
  );
}
