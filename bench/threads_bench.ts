/**
 * Sync actors on threads: what the pool costs and what it saves (issue 3).
 * Not a test: it prints figures and asserts nothing.
 *
 * 1. Pool alone (no Redis): calls/s of a tiny function through `ThreadPool`
 *    versus awaiting the same function in the main thread.
 * 2. End to end through Redis: jobs/s of the tiny function as a sync actor
 *    (thread) versus as an async actor.
 * 3. Latency of async jobs (enqueue → awaited result, one at a time): idle,
 *    while a CPU-bound sync actor runs on a thread, and while the same loop
 *    runs as an async actor on the event loop.
 *
 * Usage: deno run -A bench/threads_bench.ts [jobs=2000]
 * Needs Redis at REDIS_URL (default redis://127.0.0.1:6379); uses and
 * removes its own key prefix.
 */
import process from "node:process";
import { Redis } from "ioredis";
import { Repid, Worker } from "../mod.ts";
import { ThreadPool } from "../src/threads/pool.ts";
import { add, spin } from "./threads_bench_actors.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const JOBS = Number(process.argv[2] ?? process.env.JOBS ?? 2000);
const actors = new URL("./threads_bench_actors.ts", import.meta.url);
const prefix = `repid-bench-threads-${crypto.randomUUID().slice(0, 8)}`;

const ms = (t0: number) => performance.now() - t0;
const rate = (n: number, t: number) => `${Math.round((n / t) * 1000).toLocaleString("en")} /s`;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (xs: number[]) =>
  `p50 ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms, max ${
    Math.max(...xs).toFixed(2)
  } ms`;

async function poolAlone(): Promise<void> {
  const pool = new ThreadPool({ size: 2 });
  const context = {
    jobId: "b",
    queue: "default",
    partition: 0,
    actor: "add",
    attempt: 1,
    deliveries: 1,
  };
  const call = (i: number) =>
    pool.run({
      actor: "add",
      module: actors.href,
      exportName: "add",
      args: [i, 1],
      context,
    });
  await Promise.all([call(0), call(1)]); // start both threads first
  let t0 = performance.now();
  await Promise.all(Array.from({ length: JOBS * 5 }, (_, i) => call(i)));
  const threaded = ms(t0);
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: JOBS * 5 }, (_, i) => Promise.resolve(add(i, 1))),
  );
  const inline = ms(t0);
  await pool.close();
  console.log(
    `1. pool alone, ${JOBS * 5} calls of add(): thread pool (2 threads) ${
      rate(JOBS * 5, threaded)
    }; same function on the main thread ${rate(JOBS * 5, inline)}`,
  );
}

async function endToEnd(): Promise<void> {
  const worker = new Worker(REDIS_URL, {
    prefix,
    threads: 2,
    concurrency: 50,
    logger: "warn",
  });
  worker.actor(actors, {
    export: "add",
    name: "add_thread",
    queue: "bench_thread",
  });
  worker.actor(async function add_async(a: number, b: number) {
    return await Promise.resolve(add(a, b));
  }, { queue: "bench_async" });
  const running = worker.runForever({ handleSignals: false });
  const producer = new Repid(REDIS_URL, { prefix });
  const batch = async (actor: string, queue: string, n: number) => {
    const t0 = performance.now();
    const jobs = await Promise.all(
      Array.from(
        { length: n },
        (_, i) => producer.enqueueJob(actor, { args: [i, 1], queue }),
      ),
    );
    await Promise.all(jobs.map((j) => j.waitResult({ timeoutMs: 600_000 })));
    return ms(t0);
  };
  await batch("add_thread", "bench_thread", 20); // warm-up: threads started
  await batch("add_async", "bench_async", 20);
  const threaded = await batch("add_thread", "bench_thread", JOBS);
  const asynced = await batch("add_async", "bench_async", JOBS);
  console.log(
    `2. end to end, ${JOBS} jobs (concurrency 50): sync actor on threads ${
      rate(JOBS, threaded)
    }; async actor ${rate(JOBS, asynced)}`,
  );
  await worker.stop();
  await running;
  await producer.close();
}

async function latency(): Promise<void> {
  const worker = new Worker(REDIS_URL, {
    prefix,
    threads: 2,
    concurrency: 10,
    logger: "warn",
  });
  worker.actor(actors, { export: "spin", name: "spin_thread", queue: "lat" });
  worker.actor(async function spin_async(msToSpin: number) {
    await Promise.resolve();
    return spin(msToSpin);
  }, { queue: "lat" });
  worker.actor(async function ping() {
    await Promise.resolve();
    return 1;
  }, { queue: "lat" });
  const running = worker.runForever({ handleSignals: false });
  const producer = new Repid(REDIS_URL, { prefix });
  const pings = async (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const job = await producer.enqueueJob("ping", { queue: "lat" });
      await job.waitResult({ timeoutMs: 60_000 });
      out.push(ms(t0));
    }
    return out;
  };
  await producer.enqueueJob("spin_thread", { args: [1], queue: "lat" }).then((
    j,
  ) => j.result);
  await pings(20); // warm-up
  const idle = await pings(200);
  const threadSpin = await producer.enqueueJob("spin_thread", {
    args: [5_000],
    queue: "lat",
  });
  const duringThread = await pings(200);
  const info = await threadSpin.info();
  await threadSpin.waitResult({ timeoutMs: 60_000 });
  const spinAsync = await producer.enqueueJob("spin_async", {
    args: [3_000],
    queue: "lat",
  });
  const duringAsync = await pings(3);
  console.log("3. async job latency (enqueue → result, one at a time):");
  console.log(`   idle worker:                          ${fmt(idle)}`);
  console.log(
    `   while a CPU-bound sync actor spins on a thread (still ${info?.status} after): ${
      fmt(duringThread)
    }`,
  );
  console.log(
    `   while the same loop runs as an async actor (3 s): ${fmt(duringAsync)}`,
  );
  await spinAsync.waitResult({ timeoutMs: 60_000 });
  await worker.stop();
  await running;
  await producer.close();
}

function runtime(): string {
  const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
  return deno ? `Deno ${deno.version.deno}` : `Node ${process.version}`;
}

try {
  console.log(
    `Repid threads benchmark: ${JOBS} jobs, ${navigator.hardwareConcurrency} CPUs, ${runtime()}`,
  );
  await poolAlone();
  await endToEnd();
  await latency();
} finally {
  const redis = new Redis(REDIS_URL);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(
      cursor,
      "MATCH",
      `${prefix}:*`,
      "COUNT",
      1000,
    );
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
  await redis.quit();
}
