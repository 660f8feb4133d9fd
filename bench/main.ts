/**
 * `deno task bench`: Repid (on Deno, and on Node through the npm build)
 * against BullMQ and Bee-Queue (on Node), the same workloads against the
 * same Redis, each measurement in its own child process, 3 runs each. With
 * `--bun`, a "Repid on Bun" column too (the npm build, on the Bun pinned in
 * `scripts/bun/package.json`, installed on first use).
 *
 * Usage: `deno task bench [--smoke] [--curves] [--bun] [--runs N] [--n N] [--latency-n N]
 * [--libs repid-deno,repid-node,repid-bun,bullmq,bee-queue] [--scenarios a,b]
 * [--redis URL] [--npm-dir DIR]` (the npm build Repid on Node and Bun uses;
 * default `npm/`)
 *
 * By default a private `redis-server` is started on a free port in
 * 6460–6469 (and stopped at the end) so that the `INFO commandstats` and
 * `INFO cpu` deltas count only the bench's traffic; `--redis URL` uses an
 * existing server instead (its deltas then include other clients). Every
 * measurement uses its own key prefix, deleted afterwards (SCAN + UNLINK).
 *
 * Flow control (issue 17), Repid only: `process-c50-priority` (priorities
 * -10..10), `process-c50-groups` (jobs of 1,000 groups, concurrency 1 each)
 * and `fairness` (one group of 1,000 jobs enqueued before ten one-job groups:
 * the start rank of the last one-job group), beside the plain `process-c50`.
 *
 * `--curves` measures Repid's cost curves instead (see `curves.ts`): tables,
 * JSON and `bench/curves.svg`; with `--smoke`, at tiny sizes.
 *
 * Output: a Markdown table of medians with min–max, the goals of issue 19
 * (ratios within the run), then one JSON line per (library, scenario). The JSON lines are
 * also written to `.bench/results-<time>.jsonl`.
 *
 * @module
 */

import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import process from "node:process";
import { bunPath } from "../scripts/bun_binary.ts";
import { cleanup, type Library, runChild, startServer } from "./processes.ts";
import { curvesTables, FULL_SIZES, reportSvg, runCurves, SMOKE_SIZES } from "./curves.ts";
import {
  FLOW_SCENARIOS,
  flowCost,
  jsonLines,
  observeCost,
  type Results,
  type Sample,
  type Scenario,
  SCENARIOS,
  table,
  targets,
  targetTable,
} from "./report.ts";

const ROOT = new URL("../", import.meta.url);
/** How many done jobs the `process-c50-kept` scenario keeps (Repid's `retention`). */
const KEPT = 1_000;
const CHILD = new URL("./drivers/child.mjs", import.meta.url).pathname;
/** The groups the `process-c50-groups` scenario spreads its jobs over (concurrency 1 each). */
const GROUPS = 1_000;
/** The fairness scenario: one group of this many jobs, enqueued before `FAIR_SINGLES` one-job groups. */
const FAIR_BIG = 1_000;
const FAIR_SINGLES = 10;

interface Options {
  smoke: boolean;
  curves: boolean;
  bun: boolean;
  runs: number;
  n: number;
  latencyN: number;
  warmup: number;
  batch: number;
  libs: string[] | undefined;
  scenarios: Scenario[];
  redis: string | undefined;
  npmDir: string;
  childTimeoutMs: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    smoke: false,
    curves: false,
    bun: false,
    runs: 3,
    n: 20_000,
    latencyN: 2_000,
    warmup: 100,
    batch: 1_000,
    libs: undefined,
    scenarios: [...SCENARIOS],
    redis: undefined,
    npmDir: new URL("npm/", ROOT).pathname,
    childTimeoutMs: 300_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new TypeError(`bench: ${a} needs a value`);
      return v;
    };
    const count = () => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 1) {
        throw new RangeError(`bench: ${a} must be an integer ≥ 1`);
      }
      return v;
    };
    if (a === "--smoke") {
      o.smoke = true;
      o.runs = 1;
      o.n = 200;
      o.latencyN = 20;
      o.warmup = 2;
      o.batch = 100;
      o.childTimeoutMs = 30_000;
    } else if (a === "--curves") o.curves = true;
    else if (a === "--bun") o.bun = true;
    else if (a === "--runs") o.runs = count();
    else if (a === "--n") o.n = count();
    else if (a === "--latency-n") o.latencyN = count();
    else if (a === "--libs") o.libs = value().split(",");
    else if (a === "--scenarios") {
      const list = value().split(",");
      for (const s of list) {
        if (!(SCENARIOS as readonly string[]).includes(s)) {
          throw new TypeError(
            `bench: unknown scenario "${s}" (one of ${SCENARIOS.join(", ")})`,
          );
        }
      }
      o.scenarios = list as Scenario[];
    } else if (a === "--redis") o.redis = value();
    else if (a === "--npm-dir") o.npmDir = resolve(value());
    else throw new TypeError(`bench: unknown argument "${a}"`);
  }
  return o;
}

function hasNode(): boolean {
  try {
    return new Deno.Command("node", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync().success;
  } catch {
    return false;
  }
}

function libraries(o: Options, notes: string[]): Library[] {
  const all: Library[] = [];
  all.push({
    id: "repid-deno",
    lib: "repid",
    cmd: [Deno.execPath(), "run", "-A", CHILD],
    env: { REPID_MODULE: "../../mod.ts" },
  });
  const node = hasNode();
  if (!node) {
    notes.push(
      "node not found: Repid on Node, BullMQ and Bee-Queue are skipped",
    );
  }
  const npmBuild = resolve(o.npmDir, "esm/mod.js");
  if (node && existsSync(npmBuild)) {
    all.push({
      id: "repid-node",
      lib: "repid",
      cmd: ["node", CHILD],
      env: { REPID_MODULE: relative(dirname(CHILD), npmBuild) },
    });
    const newest = newestSource();
    if (newest.mtimeMs > statSync(npmBuild).mtimeMs) {
      notes.push(
        `the npm build (${o.npmDir}) is older than ${newest.path}: Repid on Node runs older code ` +
          "(run `deno task build:npm`)",
      );
    }
  } else if (node) {
    notes.push(
      `npm build not found in ${o.npmDir}: Repid on Node is skipped (run \`deno task build:npm\`)`,
    );
  }
  if (o.bun || o.libs?.includes("repid-bun")) {
    if (existsSync(npmBuild)) {
      all.push({
        id: "repid-bun",
        lib: "repid",
        cmd: [bunPath(), CHILD],
        env: { REPID_MODULE: relative(dirname(CHILD), npmBuild) },
      });
    } else {
      notes.push(
        `npm build not found in ${o.npmDir}: Repid on Bun is skipped (run \`deno task build:npm\`)`,
      );
    }
  }
  const peers = new URL("./node_modules/", import.meta.url).pathname;
  if (node && existsSync(peers + "bullmq") && existsSync(peers + "bee-queue")) {
    all.push({ id: "bullmq", lib: "bullmq", cmd: ["node", CHILD], env: {} });
    all.push({
      id: "bee-queue",
      lib: "bee-queue",
      cmd: ["node", CHILD],
      env: {},
    });
  } else if (node) {
    notes.push("BullMQ/Bee-Queue not installed: run `npm ci --prefix bench`");
  }
  return o.libs ? all.filter((l) => o.libs!.includes(l.id)) : all;
}

/** The most recently modified source file of the library (mod.ts or src/). */
function newestSource(): { path: string; mtimeMs: number } {
  let best = {
    path: "mod.ts",
    mtimeMs: statSync(new URL("mod.ts", ROOT)).mtimeMs,
  };
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".ts")) {
        const m = statSync(p).mtimeMs;
        if (m > best.mtimeMs) {
          best = { path: relative(ROOT.pathname, p), mtimeMs: m };
        }
      }
    }
  };
  walk(new URL("src/", ROOT).pathname);
  return best;
}

/** A private redis-server on a free port of 6460–6469. */
async function startRedis(): Promise<
  { url: string; stop: () => Promise<void> } | undefined
> {
  for (let port = 6460; port <= 6469; port++) {
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      c.close();
      continue; // taken
    } catch {
      // free
    }
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command("redis-server", {
        args: [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
        ],
        stdout: "null",
        stderr: "null",
      }).spawn();
    } catch {
      return undefined; // no redis-server binary
    }
    for (let i = 0; i < 100; i++) {
      try {
        const c = await Deno.connect({ hostname: "127.0.0.1", port });
        c.close();
        return {
          url: `redis://127.0.0.1:${port}`,
          async stop() {
            try {
              child.kill("SIGTERM");
            } catch {
              // already gone
            }
            await child.status;
          },
        };
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    child.kill("SIGKILL");
    await child.status;
  }
  return undefined;
}

async function measure(
  lib: Library,
  scenario: Scenario,
  o: Options,
  url: string,
  prefix: string,
): Promise<Sample> {
  const base = { url, prefix, queue: "bench" };
  const t = o.childTimeoutMs;
  try {
    switch (scenario) {
      case "enqueue-single":
        return await runChild(
          lib,
          { ...base, mode: "enqueue-single", n: o.n },
          t,
        );
      case "enqueue-bulk":
        return await runChild(lib, {
          ...base,
          mode: "enqueue-bulk",
          n: o.n,
          batch: o.batch,
        }, t);
      case "process-c1":
      case "process-c50":
      case "process-c50-observed":
      case "process-c50-kept": {
        const prefill = await runChild(lib, {
          ...base,
          mode: "prefill",
          n: o.n,
        }, t);
        if ("error" in prefill) return prefill;
        const concurrency = scenario === "process-c1" ? 1 : 50;
        return await runChild(lib, {
          ...base,
          mode: "process",
          n: o.n,
          concurrency,
          observe: scenario === "process-c50-observed",
          // Repid keeps at most this many done jobs per queue (the finished-jobs index trimmed)
          ...(scenario === "process-c50-kept" ? { retention: KEPT } : {}),
        }, t);
      }
      case "process-c50-priority":
      case "process-c50-groups": {
        const flow = scenario === "process-c50-priority" ? "priority" : "groups";
        const prefill = await runChild(lib, {
          ...base,
          mode: "prefill",
          n: o.n,
          flow,
          groups: GROUPS,
        }, t);
        if ("error" in prefill) return prefill;
        return await runChild(lib, {
          ...base,
          mode: "process",
          n: o.n,
          concurrency: 50,
          ...(flow === "groups" ? { groupConcurrency: 1 } : {}),
        }, t);
      }
      case "fairness": {
        // The same counts at every size: the figure is the rank, not a speed.
        const fair = { flow: "fairness", bigGroup: FAIR_BIG };
        const n = FAIR_BIG + FAIR_SINGLES;
        const prefill = await runChild(lib, { ...base, mode: "prefill", n, ...fair }, t);
        if ("error" in prefill) return prefill;
        return await runChild(lib, { ...base, mode: "process", n, concurrency: 50, ...fair }, t);
      }
      case "latency": {
        let server;
        try {
          server = await startServer(lib, { ...base, concurrency: 50 });
        } catch (error) {
          return { error: String(error) };
        }
        try {
          return await runChild(lib, {
            ...base,
            mode: "latency",
            n: o.latencyN,
            warmup: o.warmup,
            serverPid: server.pid,
          }, t);
        } finally {
          await server.stop();
        }
      }
      case "round-trip":
        return await runChild(lib, { ...base, mode: "round-trip", n: o.n, warmup: o.warmup }, t);
    }
  } finally {
    await cleanup(url, prefix);
  }
}

function scenarioMeta(o: Options, scenario: Scenario): Record<string, unknown> {
  switch (scenario) {
    case "enqueue-single":
      return { n: o.n };
    case "enqueue-bulk":
      return { n: o.n, batch: o.batch };
    case "process-c1":
      return { n: o.n, concurrency: 1 };
    case "process-c50":
      return { n: o.n, concurrency: 50 };
    case "process-c50-observed":
      return {
        n: o.n,
        concurrency: 50,
        observe: "events+metrics+tracing (no SDK)",
      };
    case "process-c50-kept":
      return { n: o.n, concurrency: 50, retention: KEPT };
    case "process-c50-priority":
      return { n: o.n, concurrency: 50, priorities: "-10..10" };
    case "process-c50-groups":
      return { n: o.n, concurrency: 50, groups: GROUPS, groupConcurrency: 1 };
    case "fairness":
      return { bigGroup: FAIR_BIG, singleGroups: FAIR_SINGLES, concurrency: 50 };
    case "latency":
      return { n: o.latencyN, warmup: o.warmup, workerConcurrency: 50 };
    case "round-trip":
      return { n: o.n, warmup: o.warmup, command: "PING" };
  }
}

async function main(): Promise<number> {
  const o = parseArgs(Deno.args);
  const notes: string[] = [];
  const libs = libraries(o, notes);
  let url = o.redis;
  let server: Awaited<ReturnType<typeof startRedis>>;
  if (!url) {
    server = await startRedis();
    if (server) url = server.url;
    else {
      url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
      notes.push(
        `no private redis-server could be started: using ${url}, shared`,
      );
    }
  }
  const runId = crypto.randomUUID().slice(0, 8);
  const cpuModel = cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `# Repid bench${
      o.smoke ? " (smoke)" : ""
    }: ${o.runs} run(s), n=${o.n}, latency n=${o.latencyN}`,
  );
  console.log(
    `machine: ${cpus().length} cores (${cpuModel}), Redis ${url}${
      server ? " (private, started by the bench)" : ""
    }`,
  );
  for (const note of notes) console.log(`note: ${note}`);
  if (o.curves) {
    try {
      return await curves(o, libs, url, runId, `${cpus().length} cores`);
    } finally {
      await server?.stop();
    }
  }
  const results: Results = new Map(libs.map((l) => [l.id, new Map()]));
  const started = performance.now();
  try {
    for (let run = 0; run < o.runs; run++) {
      for (const scenario of o.scenarios) {
        // Rotate the order of the libraries from run to run, to spread drift fairly.
        const order = libs.map((_, i) => libs[(i + run) % libs.length]);
        for (const lib of order) {
          // Only Repid has the observing switches; its retention option and its
          // flow control have no like-for-like setting in the peers' drivers.
          const repidOnly = scenario === "process-c50-observed" ||
            scenario === "process-c50-kept" || FLOW_SCENARIOS.includes(scenario);
          if (repidOnly && !lib.id.startsWith("repid")) {
            continue;
          }
          const prefix = `repid-bench-${runId}-${lib.id}-${scenario}-${run}`;
          const sample = await measure(lib, scenario, o, url, prefix);
          const list = results.get(lib.id)!.get(scenario) ?? [];
          list.push(sample);
          results.get(lib.id)!.set(scenario, list);
          const brief = "error" in sample
            ? `ERROR ${String(sample.error).slice(0, 300)}`
            : scenario === "fairness"
            ? `last one-job group started at rank ${sample.lastSingleRank}`
            : scenario === "latency"
            ? `p50 ${Number(sample.p50Ms).toFixed(2)} ms`
            : `${Math.round(Number(sample.jobsPerSec))} jobs/s`;
          console.error(
            `run ${run + 1}/${o.runs} ${scenario} ${lib.id}: ${brief}`,
          );
        }
      }
    }
  } finally {
    await server?.stop();
  }
  const ids = libs.map((l) => l.id);
  console.log("");
  console.log(table(results, ids));
  const repids = ids.filter((id) => id.startsWith("repid"));
  if (repids.length && (ids.includes("bullmq") || ids.includes("bee-queue"))) {
    console.log("");
    console.log(
      "Goals of issue 19 (ratios of medians within this run, Repid / peer; a ceiling is the " +
        "ratio a job costing one PING round trip of Repid's client would reach):",
    );
    console.log("");
    console.log(
      targetTable(
        repids.map((r) => ({ repid: r, results: targets(results, r) })),
      ),
    );
  }
  if (repids.some((r) => results.get(r)?.has("process-c50-observed"))) {
    console.log("");
    console.log("Cost of observing (issue 15, ratio of medians):");
    console.log("");
    console.log(
      targetTable(
        repids.map((r) => ({ repid: r, results: [observeCost(results, r)] })),
      ),
    );
  }
  const flowRun = repids.filter((r) =>
    ["process-c50-priority", "process-c50-groups"].some((s) => results.get(r)?.has(s as Scenario))
  );
  if (flowRun.length) {
    console.log("");
    console.log("Cost of flow control (issue 17, ratio of medians to plain c=50 in this run):");
    console.log("");
    console.log(targetTable(flowRun.map((r) => ({ repid: r, results: flowCost(results, r) }))));
  }
  console.log("");
  const lines = jsonLines(
    results,
    (_lib, scenario) => scenarioMeta(o, scenario),
  );
  for (const line of lines) console.log(line);
  const dir = new URL(".bench/", ROOT).pathname;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}results-${new Date().toISOString().replace(/[:.]/g, "-")}${
    o.smoke ? "-smoke" : ""
  }.jsonl`;
  writeFileSync(file, lines.join("\n") + "\n");
  console.log(
    `\n(${((performance.now() - started) / 1000).toFixed(1)} s; JSON lines in ${file})`,
  );
  const failed = [...results.values()].some((m) =>
    [...m.values()].some((list) => list.some((s) => "error" in s))
  );
  return failed ? 1 : 0;
}

/** `--curves`: the cost curves of one Repid variant (the first of `--libs`, else Repid on Deno). */
async function curves(
  o: Options,
  libs: Library[],
  url: string,
  runId: string,
  machine: string,
): Promise<number> {
  const lib = libs.find((l) => l.lib === "repid");
  if (!lib) {
    console.log(
      "--curves: no Repid variant selected (--libs repid-deno or repid-node)",
    );
    return 1;
  }
  const started = performance.now();
  const report = await runCurves(lib, url, {
    sizes: o.smoke ? SMOKE_SIZES : FULL_SIZES,
    runs: o.smoke ? 1 : o.runs,
    runId,
    childTimeoutMs: o.childTimeoutMs,
    machine,
  });
  console.log("");
  console.log(curvesTables(report));
  const json = JSON.stringify(report, null, 2) + "\n";
  const dir = new URL(".bench/", ROOT).pathname;
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = `${dir}curves-${stamp}${o.smoke ? "-smoke" : ""}.json`;
  writeFileSync(file, json);
  const written = [file];
  if (!o.smoke) {
    // The figures the README shows: the plot and its data, kept in the repository.
    const svg = new URL("./curves.svg", import.meta.url).pathname;
    const data = new URL("./curves.json", import.meta.url).pathname;
    writeFileSync(svg, reportSvg(report));
    writeFileSync(data, json);
    written.push(svg, data);
  }
  console.log(
    `\n(${((performance.now() - started) / 1000).toFixed(1)} s; written: ${
      written.map((f) => relative(ROOT.pathname, f)).join(", ")
    })`,
  );
  const failed = [
    report.backlog,
    report.queues,
    report.payload,
    report.processes,
    report.memory,
  ]
    .some((points) => points.some((p) => p.errors?.length));
  return failed ? 1 : 0;
}

Deno.exit(await main());
