/**
 * Flow control's costs (issue 17): jobs/s of one worker at concurrency 50
 * for plain jobs, for jobs with priorities, and for jobs spread over 1,000
 * groups of concurrency 1; and the fairness figure: with one group of 1,000
 * jobs and ten groups of one job, the rank at which the last single-job
 * group started. Not a test: it prints figures and asserts nothing.
 *
 * Usage: `deno task bench:flow [--runs N] [--n N] [--redis URL]`. By default
 * a private `redis-server` is started on port 6781 (and stopped at the end);
 * every measurement uses its own key prefix, deleted afterwards.
 *
 * @module
 */

import { spawn } from "node:child_process";
import process from "node:process";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { type BulkJob, type Logger, Repid, Worker } from "../mod.ts";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const RUNS = Number(flag("--runs", "3"));
const N = Number(flag("--n", "20000"));
const PORT = 6781;

/** One measurement: enqueue `jobs` first, then time one worker processing them all. */
async function measure(
  url: string,
  jobs: (i: number) => BulkJob,
  n: number,
  options: {
    groupConcurrency?: number;
    concurrency?: number;
    record?: string[];
  } = {},
): Promise<number> {
  const prefix = `repid-bench-flow-${crypto.randomUUID().slice(0, 8)}`;
  const producer = new Repid(url, { prefix });
  for (let i = 0; i < n; i += 1000) {
    await producer.enqueueJobs(
      Array.from({ length: Math.min(1000, n - i) }, (_, k) => jobs(i + k)),
    );
  }
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((resolve) => (finished = resolve));
  const logger: Logger = {
    debug() {},
    info(message) {
      if (message === "job done" && ++done === n) finished();
    },
    warn(message, fields) {
      console.error("warn:", message, fields);
    },
    error(message, fields) {
      console.error("error:", message, fields);
    },
  };
  const worker = new Worker(url, {
    prefix,
    concurrency: options.concurrency ?? 50,
    logger,
  });
  const record = options.record;
  worker.actor(async function bench_noop(name: string) {
    record?.push(name);
    await Promise.resolve();
  }, { groupConcurrency: options.groupConcurrency });
  const t0 = performance.now();
  const running = worker.runForever({ handleSignals: false });
  await all;
  const ms = performance.now() - t0;
  await worker.stop({ graceMs: 0 });
  await running;
  await producer.close();
  await deletePrefix(url, prefix);
  return (n / ms) * 1000;
}

async function deletePrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
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
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== "0");
  await redis.quit();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const row = (name: string, xs: number[], unit: string) =>
  `| ${name} | ${Math.round(median(xs)).toLocaleString("en")} ${unit} | ${
    Math.round(Math.min(...xs)).toLocaleString("en")
  }–${Math.round(Math.max(...xs)).toLocaleString("en")} |`;

async function main(): Promise<void> {
  let url = flag("--redis", "");
  let server: ReturnType<typeof spawn> | undefined;
  if (!url) {
    server = spawn("redis-server", [
      "--port",
      String(PORT),
      "--save",
      "",
      "--appendonly",
      "no",
    ], {
      stdio: "ignore",
    });
    url = `redis://127.0.0.1:${PORT}`;
    const probe = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect();
        break;
      } catch {
        await delay(50);
      }
    }
    await probe.quit();
  }
  try {
    const plain: number[] = [];
    const prio: number[] = [];
    const groups: number[] = [];
    const ranks: number[] = [];
    // warm-up (JIT, connections), not counted
    await measure(url, (i) => ({ actor: "bench_noop", args: [`w${i}`], priority: i % 3 }), 2000);
    for (let r = 0; r < RUNS; r++) {
      plain.push(
        await measure(
          url,
          (i) => ({ actor: "bench_noop", args: [`p${i}`] }),
          N,
        ),
      );
      prio.push(
        await measure(
          url,
          (i) => ({
            actor: "bench_noop",
            args: [`p${i}`],
            priority: (i * 7) % 21 - 10,
          }),
          N,
        ),
      );
      groups.push(
        await measure(
          url,
          (i) => ({
            actor: "bench_noop",
            args: [`g${i}`],
            group: `g${i % 1000}`,
          }),
          N,
          { groupConcurrency: 1 },
        ),
      );
      const order: string[] = [];
      await measure(
        url,
        (i) =>
          i < 1000 ? { actor: "bench_noop", args: ["big"], group: "big" } : {
            actor: "bench_noop",
            args: [`single-${i - 1000}`],
            group: `single-${i - 1000}`,
          },
        1010,
        { record: order },
      );
      ranks.push(
        Math.max(
          ...Array.from({ length: 10 }, (_, i) => order.indexOf(`single-${i}`)),
        ) + 1,
      );
    }
    console.log(
      `Flow control, one worker at concurrency 50, ${N} jobs, median of ${RUNS} runs`,
    );
    console.log("| scenario | median | min–max |");
    console.log("| --- | --- | --- |");
    console.log(row("plain jobs, c=50", plain, "jobs/s"));
    console.log(row("priorities -10..10, c=50", prio, "jobs/s"));
    console.log(row("1,000 groups × concurrency 1, c=50", groups, "jobs/s"));
    console.log(
      row(
        "fairness: rank of the last of 10 single-job groups (beside 1,000 jobs)",
        ranks,
        "",
      ),
    );
    console.log(
      JSON.stringify({ plain, prio, groups, ranks, n: N, runs: RUNS }),
    );
  } finally {
    server?.kill("SIGTERM");
  }
}

await main();
