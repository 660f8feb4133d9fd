// One bench measurement in its own process: `child.mjs <config JSON>`.
// Runs on Deno, Node and Bun. Prints one JSON line with the figures.
//
// Modes: enqueue-single | enqueue-bulk (a producer enqueues `n` jobs),
// prefill (untimed bulk enqueue), process (a worker runs `n` queued no-op
// jobs at `concurrency`), serve (a worker runs until SIGTERM), latency
// (a producer enqueues `n` jobs one after the other and awaits each result).
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

function print(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

async function main() {
  const driver = await import(drivers[cfg.lib]);
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
        const p = await lib.producer({ events: false });
        for (let i = 0; i < n; i += 1000) {
          const batch = [];
          for (let j = i; j < Math.min(n, i + 1000); j++) batch.push(j);
          await p.enqueueBulk(batch);
        }
        await p.close();
        print({ ...base, prefilled: n });
        break;
      }
      case "process": {
        let done = 0;
        let resolveAll;
        const all = new Promise((r) => (resolveAll = r));
        const w = await lib.worker({
          concurrency: cfg.concurrency,
          retention: cfg.retention,
          onDone() {
            if (++done === n) resolveAll();
          },
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
        });
        break;
      }
      case "serve": {
        const w = await lib.worker({
          concurrency: cfg.concurrency,
          onDone() {},
        });
        w.start();
        print({ ...base, ready: true });
        await new Promise((resolve) => {
          process.once("SIGTERM", resolve);
          process.once("SIGINT", resolve);
        });
        await w.close();
        break;
      }
      case "latency": {
        const p = await lib.producer({ events: true });
        for (let i = 0; i < cfg.warmup; i++) await p.enqueueAndWait(-1 - i);
        const before = await infoSnapshot(raw);
        const times = new Array(n);
        const t0 = performance.now();
        for (let i = 0; i < n; i++) {
          const s = performance.now();
          await p.enqueueAndWait(i);
          times[i] = performance.now() - s;
        }
        const ms = performance.now() - t0;
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
          redisCmdsPerJob: redis.totalCalls / n,
          redisCpuUsPerJob: redis.cpuUs / n,
          redisCalls: redis.calls,
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
