/**
 * Scale across masters (issue 18, point 8): one worker (concurrency 50)
 * running a backlog of no-op jobs on a Redis Cluster of 3 masters, with the
 * Redis CPU each master spent on it (its `INFO cpu` delta per job) to show how
 * the load spreads, and the script calls per job (`INFO commandstats`,
 * `evalsha`, summed over the masters: fewer means larger fetches). Not a
 * test: it prints figures and asserts nothing.
 *
 * Rows: one queue (one master); six queues (two per master); one queue with
 * `partitions: 6`; and the same without a cluster: one and six queues on one
 * `redis-server`.
 *
 * Usage: `flock /tmp/repid-cluster.lock deno run -A bench/cluster_bench.ts
 * [--n 30000] [--runs 3] [--rows 0,2] [--root DIR]` (`--root`: measure the Repid checkout
 * in DIR, such as an older one, rows 0, 1, 3 and 4 only). It starts its own nodes (3 masters
 * without replicas, and one plain server) on free ports of 6820-6839 and
 * stops them at the end.
 *
 * @module
 */

import process from "node:process";
import { Redis } from "ioredis";
import { freePorts, RedisCluster } from "../tests/support/redis_cluster.ts";
import { RedisServer } from "../tests/support/redis_server.ts";
import { summarize } from "./report.ts";

const PORTS: [number, number] = [6820, 6839];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const N = Number(arg("n", "30000"));
/** `--root DIR`: the Repid checkout to measure (its `mod.ts`), for before/after runs. */
const ROOT = arg("root", new URL("..", import.meta.url).pathname);
const { defineActor, Repid, Worker } = await import(
  new URL("mod.ts", `file://${ROOT.endsWith("/") ? ROOT : ROOT + "/"}`).href
) as typeof import("../mod.ts");
const RUNS = Number(arg("runs", "3"));

/** One row: where the jobs go. */
interface Row {
  name: string;
  cluster: boolean;
  /** The queues (each with an actor of its own). */
  queues(cluster: RedisCluster | undefined): Promise<string[]>;
  partitions?: number;
}

/** `count` queue names spread evenly over the masters of `cluster`. */
async function spread(cluster: RedisCluster, count: number): Promise<string[]> {
  const masters = await cluster.masters();
  return Array.from(
    { length: count },
    (_, i) => cluster.queueOn(masters[i % masters.length], `six${i}-`),
  );
}

const ROWS: Row[] = [
  { name: "cluster, 1 queue", cluster: true, queues: () => Promise.resolve(["one"]) },
  { name: "cluster, 6 queues (2 per master)", cluster: true, queues: (c) => spread(c!, 6) },
  {
    name: "cluster, 1 queue, partitions: 6",
    cluster: true,
    queues: () => Promise.resolve(["hot"]),
    partitions: 6,
  },
  { name: "one Redis, 1 queue", cluster: false, queues: () => Promise.resolve(["one"]) },
  {
    name: "one Redis, 6 queues",
    cluster: false,
    queues: () => Promise.resolve(["q0", "q1", "q2", "q3", "q4", "q5"]),
  },
];

/** Reads `INFO <section>` of the node on `port`. */
async function info(port: number, section: string): Promise<string> {
  const r = new Redis({ port, host: "127.0.0.1" });
  try {
    return await r.info(section);
  } finally {
    r.disconnect();
  }
}

/** CPU (user + sys) the node has spent so far, in µs. */
async function cpuMicros(port: number): Promise<number> {
  const text = await info(port, "cpu");
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(text)?.[1] ?? 0);
  return Math.round((field("used_cpu_sys") + field("used_cpu_user")) * 1e6);
}

/** Script calls (`evalsha`) the node has run so far. */
async function scriptCalls(port: number): Promise<number> {
  const text = await info(port, "commandstats");
  return Number(/cmdstat_evalsha:calls=(\d+)/.exec(text)?.[1] ?? 0);
}

interface Sample {
  jobsPerSec: number;
  /** Script calls per job, over every node. */
  callsPerJob: number;
  /** Redis CPU µs per job on each node, in port order. */
  cpuPerJob: number[];
}

async function measure(row: Row, url: string, ports: number[], queues: string[]) {
  const prefix = `repid-bench-cluster-${crypto.randomUUID().slice(0, 8)}`;
  const actors = queues.map((queue, q) =>
    defineActor(async function noop(_i: number) {}, {
      name: `noop${q}`,
      queue,
      ...(row.partitions ? { partitions: row.partitions } : {}),
    })
  );
  const producer = new Repid(url, { prefix });
  const perQueue = Math.ceil(N / queues.length);
  for (const actor of actors) {
    for (let i = 0; i < perQueue; i += 1000) {
      const count = Math.min(1000, perQueue - i);
      await producer.enqueueJobs(
        Array.from({ length: count }, (_, k) => ({ actor, args: [i + k] })),
      );
    }
  }
  await producer.close();
  const total = perQueue * queues.length;
  let done = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  const worker = new Worker(url, {
    prefix,
    concurrency: 50,
    logger: {
      debug() {},
      info(message: string) {
        if (message === "job done" && ++done === total) allDone();
      },
      warn: (message: string, fields?: unknown) => console.error("repid warn:", message, fields),
      error: (message: string, fields?: unknown) => console.error("repid error:", message, fields),
    },
  });
  for (const actor of actors) worker.actor(actor);
  const [cpu0, calls0] = await Promise.all([
    Promise.all(ports.map(cpuMicros)),
    Promise.all(ports.map(scriptCalls)),
  ]);
  const t0 = performance.now();
  const running = worker.runForever({ handleSignals: false });
  await finished;
  const elapsed = performance.now() - t0;
  const [cpu1, calls1] = await Promise.all([
    Promise.all(ports.map(cpuMicros)),
    Promise.all(ports.map(scriptCalls)),
  ]);
  await worker.stop({ graceMs: 0 });
  await running;
  const calls = calls1.reduce((sum, c, i) => sum + c - calls0[i], 0);
  return {
    prefix,
    sample: {
      jobsPerSec: Math.round(total / (elapsed / 1000)),
      callsPerJob: calls / total,
      cpuPerJob: cpu1.map((c, i) => Math.round((c - cpu0[i]) / total)),
    } satisfies Sample,
  };
}

/** Deletes the keys under `prefix` on every node in `ports` (SCAN + UNLINK). */
async function clean(ports: number[], prefix: string): Promise<void> {
  for (const port of ports) {
    const r = new Redis({ port, host: "127.0.0.1" });
    try {
      let cursor = "0";
      do {
        const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        cursor = next;
        for (const key of keys) await r.unlink(key);
      } while (cursor !== "0");
    } finally {
      r.disconnect();
    }
  }
}

async function main(): Promise<void> {
  const only = arg("rows", "");
  const rows = only ? ROWS.filter((_, i) => only.split(",").includes(String(i))) : ROWS;
  const results: { row: Row; samples: Sample[] }[] = [];
  let cluster: RedisCluster | undefined;
  let single: RedisServer | undefined;
  try {
    if (rows.some((r) => r.cluster)) {
      cluster = await RedisCluster.start({ ports: PORTS, masters: 3, replicas: 0 });
    }
    if (rows.some((r) => !r.cluster)) {
      const taken = new Set(cluster?.servers.map((s) => s.port) ?? []);
      const port = (await freePorts(PORTS, taken.size + 1)).find((p) => !taken.has(p))!;
      single = await RedisServer.start({ port });
    }
    const masterPorts = cluster
      ? (await cluster.masters()).map((m) => m.server.port).sort((a, b) => a - b)
      : [];
    for (let run = 0; run < RUNS; run++) {
      // Rows alternate within each run, so that drift on a shared machine spreads over all of them.
      for (const row of rows) {
        const queues = await row.queues(cluster);
        const url = row.cluster ? cluster!.url : `redis://127.0.0.1:${single!.port}`;
        const ports = row.cluster ? masterPorts : [single!.port];
        const { prefix, sample } = await measure(row, url, ports, queues);
        await clean(ports, prefix);
        console.error(
          `run ${run + 1}/${RUNS} ${row.name}: ${sample.jobsPerSec} jobs/s, ` +
            `${
              sample.callsPerJob.toFixed(3)
            } script calls/job, Redis CPU µs/job ${sample.cpuPerJob}`,
        );
        let entry = results.find((r) => r.row === row);
        if (!entry) results.push(entry = { row, samples: [] });
        entry.samples.push(sample);
      }
    }
  } finally {
    await cluster?.stop();
    await single?.stop();
  }
  console.log(`\n# Scale across masters: one worker, concurrency 50, n=${N}, ${RUNS} run(s)\n`);
  console.log("| row | jobs/s, median (min–max) | script calls/job | Redis CPU µs/job per node |");
  console.log("| --- | --: | --: | --- |");
  for (const { row, samples } of results) {
    const rate = summarize(samples.map((s) => s.jobsPerSec))!;
    const calls = summarize(samples.map((s) => s.callsPerJob))!;
    const nodes = samples[0].cpuPerJob.map((_, i) =>
      summarize(samples.map((s) => s.cpuPerJob[i]))!.median
    );
    console.log(
      `| ${row.name} | ${rate.median} (${rate.min}–${rate.max}) | ${calls.median.toFixed(3)} | ${
        nodes.join(" / ")
      } |`,
    );
  }
  console.log(JSON.stringify(results.map(({ row, samples }) => ({ row: row.name, samples }))));
}

await main();
