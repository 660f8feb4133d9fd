/**
 * How much Redis memory a finished job costs: runs `--jobs` small jobs
 * (`string_length("hello")`, the guide's first example) through a worker on
 * a private `redis-server`, then reads `MEMORY USAGE` of every job key and
 * of the `done` index (per job), and the growth of `used_memory` (which also
 * counts the key's entries in Redis' key and expiry tables). Prints one JSON
 * line.
 *
 * Usage: deno run -A bench/result_memory.ts [--jobs 10000] [--port 6500]
 */
import { Redis } from "ioredis";
import process from "node:process";
import { Repid, Worker } from "../mod.ts";
import { RedisServer } from "../tests/support/redis_server.ts";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const jobs = arg("jobs", 10_000);
const port = arg("port", 6500);

const server = await RedisServer.start({ port });
const redis = new Redis(server.url);
try {
  const usedMemory = async () => {
    const info = await redis.info("memory");
    return Number(/used_memory:(\d+)/.exec(info)![1]);
  };
  const worker = new Worker(server.url, { concurrency: 50, logger: "silent" });
  worker.actor(async function string_length(s: string): Promise<number> {
    await Promise.resolve();
    return s.length;
  });
  const running = worker.runForever({ handleSignals: false });
  const producer = new Repid(server.url);
  // one job first, so the queue's own keys and the scripts exist before the baseline
  await (await producer.enqueueJob("string_length", { args: ["hello"] }))
    .result;
  const before = await usedMemory();
  const handles = [];
  for (let i = 0; i < jobs; i += 1_000) {
    const n = Math.min(1_000, jobs - i);
    const batch = Array.from({ length: n }, () => ({
      actor: "string_length",
      args: ["hello"],
    }));
    handles.push(...await producer.enqueueJobs(batch));
  }
  for (const h of handles) await h.result;
  await worker.stop();
  await running;
  await producer.close();
  const after = await usedMemory();
  let sum = 0;
  for (const h of handles) {
    sum += Number(
      await redis.call(
        "MEMORY",
        "USAGE",
        `repid:{default}:job:${h.id}`,
        "SAMPLES",
        "0",
      ),
    );
  }
  const fields = await redis.hgetall(`repid:{default}:job:${handles[0].id}`);
  const index = Number(
    await redis.call("MEMORY", "USAGE", "repid:{default}:done", "SAMPLES", "0"),
  );
  console.log(JSON.stringify({
    jobs,
    memoryUsagePerJobKey: Math.round(sum / jobs),
    memoryUsageOfIndexPerJob: Math.round(index / (jobs + 1)),
    usedMemoryPerJob: Math.round((after - before) / jobs),
    fieldBytes: Object.entries(fields).reduce(
      (n, [k, v]) => n + k.length + v.length,
      0,
    ),
    fields: Object.keys(fields),
    redis: (await redis.info("server")).match(/redis_version:(\S+)/)![1],
  }));
} finally {
  await redis.quit();
  await server.stop();
}
