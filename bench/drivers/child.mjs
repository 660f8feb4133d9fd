// One bench measurement in its own process: `child.mjs <config JSON>`.
// Runs on Deno, Node and Bun. Prints one JSON line with the figures.
//
// Modes: enqueue-single | enqueue-bulk (a producer enqueues `n` jobs),
// prefill (untimed bulk enqueue), process (a worker runs `n` queued no-op
// jobs at `concurrency`), serve (a worker runs until SIGTERM; with `waitGo`,
// from its first stdin line on), latency (a producer enqueues `n` jobs one
// after the other and awaits each result), and for the cost curves: memory
// (Redis bytes per queued, then per finished job) and idle (commands per
// second of a worker on empty queues), and round-trip (`n` PINGs one after
// the other on the library's own Redis client: the floor of an awaited
// call). `queues` spreads the jobs over that many queues, `payloadBytes`
// adds a string argument of that size. Flow
// control (Repid): `flow` is "priority" (priorities -10..10), "groups" (job i
// in group g<i % groups>) or "fairness" (jobs below `bigGroup` in one group,
// each later one in a group of its own); `groupConcurrency` is the worker's
// limit per group. A fairness run reports `lastSingleRank`, the start rank
// (from 1) of the last one-job group.
import { readFileSync } from "node:fs";
import process from "node:process";
import { deletePrefix, infoDelta, infoSnapshot, openRaw } from "./resp.mjs";

const cfg = JSON.parse(process.argv[2]);
const drivers = {
  "repid": "./repid.mjs",
  "bullmq": "./bullmq.mjs",
  "bee-queue": "./bee_queue.mjs",
};

function runtime() {
  const deno = globalThis.Deno;
  if (deno) return `deno ${deno.version.deno}`;
  return process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.versions.node}`;
}

/** Peak resident set size of this process in bytes (VmHWM), else the current RSS. */
function peakRss() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(
      readFileSync("/proc/self/status", "utf8"),
    );
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss;
}

/** CPU time (user + system) of another process in µs, from /proc; `undefined` elsewhere. */
function processCpuUs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux)
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

function cpuUs(start) {
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[i];
}

/** The number of clients connected to Redis. */
async function connectedClients(raw) {
  const text = String(await raw.command("INFO", "clients"));
  return Number(/connected_clients:(\d+)/.exec(text)?.[1] ?? NaN);
}

/** Resolves at the first line on stdin. */
function goLine() {
  return new Promise((resolve) => {
    process.stdin.on("data", (chunk) => {
      if (String(chunk).includes("\n")) resolve();
    });
  });
}

function print(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

/** Redis's used_memory in bytes. */
async function usedMemory(raw) {
  const text = String(await raw.command("INFO", "memory"));
  return Number(/used_memory:(\d+)/.exec(text)?.[1] ?? NaN);
}

/**
 * Bulk-enqueues jobs 0..n-1 with the producer options `o`: 1,000 a call, fewer
 * for large payloads (about 8 MB a call at most).
 */
async function prefill(p, n, o) {
  const size = o?.payload ? Math.max(1, Math.min(1000, Math.floor(8e6 / o.payload.length))) : 1000;
  for (let i = 0; i < n; i += size) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + size); j++) batch.push(j);
    await p.enqueueBulk(batch, o);
  }
}

/** Prefills `n` jobs with a producer of its own; Redis's used memory before and after. */
async function measuredPrefill(lib, raw, n, o) {
  const p = await lib.producer({ events: false });
  const m0 = await usedMemory(raw);
  await prefill(p, n, o);
  const m1 = await usedMemory(raw);
  await p.close();
  return { m0, m1 };
}

/** Resolves once `n` jobs are done; `onDone` counts them. */
function countDone(n) {
  let done = 0;
  let resolveAll;
  const all = new Promise((r) => (resolveAll = r));
  if (n === 0) resolveAll();
  return {
    all,
    onDone() {
      if (++done === n) resolveAll();
    },
  };
}

/** The start rank (from 1) of the last job of `order` numbered `bigGroup` or more (one-job groups). */
function lastSingleRank(order, bigGroup) {
  let last = -1;
  order.forEach((i, rank) => {
    if (i >= bigGroup) last = rank;
  });
  return last + 1;
}

async function main() {
  const driver = await import(drivers[cfg.lib]);
  // The cost curves: jobs spread over `queues` queues, each with a payload of `payloadBytes`.
  const queues = cfg.queues
    ? Array.from({ length: cfg.queues }, (_, k) => `${cfg.queue}-${k}`)
    : undefined;
  const jobOptions = {
    ...(queues ? { queues } : {}),
    ...(cfg.payloadBytes ? { payload: "x".repeat(cfg.payloadBytes) } : {}),
    ...(cfg.flow ? { flow: cfg.flow, groups: cfg.groups, bigGroup: cfg.bigGroup } : {}),
  };
  const lib = await driver.open({
    url: cfg.url,
    prefix: cfg.prefix,
    queue: cfg.queue,
  });
  const raw = await openRaw(cfg.url);
  const base = { runtime: runtime(), version: lib.version };
  const n = cfg.n;
  try {
    switch (cfg.mode) {
      case "enqueue-single":
      case "enqueue-bulk": {
        const p = await lib.producer({ events: false });
        await p.enqueue(-1); // connect and load scripts outside the timed part
        const before = await infoSnapshot(raw);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        if (cfg.mode === "enqueue-single") {
          for (let i = 0; i < n; i++) await p.enqueue(i);
        } else {
          for (let i = 0; i < n; i += cfg.batch) {
            const batch = [];
            for (let j = i; j < Math.min(n, i + cfg.batch); j++) batch.push(j);
            await p.enqueueBulk(batch);
          }
        }
        const ms = performance.now() - t0;
        const cpu = cpuUs(cpu0);
        const redis = infoDelta(before, await infoSnapshot(raw));
        await p.close();
        print({
          ...base,
          ms,
          jobsPerSec: (n / ms) * 1000,
          clientCpuUsPerJob: cpu / n,
          redisCmdsPerJob: redis.totalCalls / n,
          redisCpuUsPerJob: redis.cpuUs / n,
          redisCalls: redis.calls,
          peakRssBytes: peakRss(),
        });
        break;
      }
      case "prefill": {
        const { m0, m1 } = await measuredPrefill(lib, raw, n, jobOptions);
        print({ ...base, prefilled: n, redisBytesPerJob: (m1 - m0) / n });
        break;
      }
      case "memory": {
        // Redis bytes per queued job, then per finished job (with its result).
        const { m0, m1 } = await measuredPrefill(lib, raw, n, jobOptions);
        const { all, onDone } = countDone(n);
        const w = await lib.worker({ concurrency: 50, onDone, queues });
        w.start();
        await all;
        await w.close();
        const m2 = await usedMemory(raw);
        print({
          ...base,
          queuedBytesPerJob: (m1 - m0) / n,
          finishedBytesPerJob: (m2 - m0) / n,
        });
        break;
      }
      case "idle": {
        // Commands a worker serving `queues` empty queues sends per second.
        const w = await lib.worker({ concurrency: cfg.concurrency, onDone() {}, queues });
        w.start();
        await new Promise((r) => setTimeout(r, cfg.settleMs));
        const before = await infoSnapshot(raw);
        const clients0 = await connectedClients(raw);
        await new Promise((r) => setTimeout(r, cfg.windowMs));
        const redis = infoDelta(before, await infoSnapshot(raw));
        await w.close();
        print({
          ...base,
          idleCmdsPerSec: (redis.totalCalls / cfg.windowMs) * 1000,
          idleRedisCpuUsPerSec: (redis.cpuUs / cfg.windowMs) * 1000,
          connections: clients0,
          redisCalls: redis.calls,
        });
        break;
      }
      case "process": {
        const { all, onDone } = countDone(n);
        // fairness: the order in which the jobs (their argument i) started
        const order = cfg.flow === "fairness" ? [] : undefined;
        const w = await lib.worker({
          concurrency: cfg.concurrency,
          observe: cfg.observe === true,
          retention: cfg.retention,
          groupConcurrency: cfg.groupConcurrency,
          onStart: order ? (i) => order.push(i) : undefined,
          onDone,
          queues,
        });
        const before = await infoSnapshot(raw);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        w.start();
        await all;
        const ms = performance.now() - t0;
        const cpu = cpuUs(cpu0);
        const redis = infoDelta(before, await infoSnapshot(raw));
        const rss = peakRss();
        await w.close();
        print({
          ...base,
          ms,
          jobsPerSec: (n / ms) * 1000,
          workerCpuUsPerJob: cpu / n,
          redisCmdsPerJob: redis.totalCalls / n,
          redisCpuUsPerJob: redis.cpuUs / n,
          redisCalls: redis.calls,
          peakRssBytes: rss,
          ...(order ? { lastSingleRank: lastSingleRank(order, cfg.bigGroup) } : {}),
        });
        break;
      }
      case "serve": {
        const w = await lib.worker({
          concurrency: cfg.concurrency,
          onDone() {},
          queues,
        });
        if (cfg.waitGo) {
          // Started by the bench with others: begin on its "go" line.
          print({ ...base, ready: true });
          await goLine();
          w.start();
        } else {
          w.start();
          print({ ...base, ready: true });
        }
        await new Promise((resolve) => {
          process.once("SIGTERM", resolve);
          process.once("SIGINT", resolve);
        });
        await w.close();
        break;
      }
      case "latency": {
        const p = await lib.producer({ events: true });
        for (let i = 0; i < cfg.warmup; i++) await p.enqueueAndWait(-1 - i, jobOptions);
        const before = await infoSnapshot(raw);
        const times = new Array(n);
        const server0 = processCpuUs(cfg.serverPid);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < n; i++) {
          const s = performance.now();
          await p.enqueueAndWait(i, jobOptions);
          times[i] = performance.now() - s;
        }
        const ms = performance.now() - t0;
        const cpu = cpuUs(cpu0);
        const server1 = processCpuUs(cfg.serverPid);
        const redis = infoDelta(before, await infoSnapshot(raw));
        await p.close();
        times.sort((a, b) => a - b);
        print({
          ...base,
          ms,
          p50Ms: percentile(times, 50),
          p95Ms: percentile(times, 95),
          p99Ms: percentile(times, 99),
          meanMs: ms / n,
          producerCpuUsPerJob: cpu / n,
          ...(server0 !== undefined && server1 !== undefined
            ? {
              workerCpuUsPerJob: (server1 - server0) / n,
              seqCpuUsPerJob: (cpu + server1 - server0) / n,
            }
            : {}),
          redisCmdsPerJob: redis.totalCalls / n,
          redisCpuUsPerJob: redis.cpuUs / n,
          redisCalls: redis.calls,
        });
        break;
      }
      case "round-trip": {
        // The floor of an awaited call: `n` PINGs one after the other on the
        // library's own Redis client (what any one-by-one call pays at least).
        const c = await lib.client();
        for (let i = 0; i < cfg.warmup; i++) await c.ping();
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await c.ping();
        const ms = performance.now() - t0;
        const cpu = cpuUs(cpu0);
        await c.close();
        print({
          ...base,
          ms,
          roundTripUs: (ms * 1000) / n,
          roundTripsPerSec: (n / ms) * 1000,
          clientCpuUsPerRoundTrip: cpu / n,
        });
        break;
      }
      case "cleanup": {
        print({ ...base, deleted: await deletePrefix(raw, cfg.prefix) });
        break;
      }
      default:
        throw new Error(`unknown mode ${cfg.mode}`);
    }
  } finally {
    raw.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    print({ error: String(error?.stack ?? error) });
    process.exit(1);
  },
);
