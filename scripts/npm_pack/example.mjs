// A Node user's first program with the installed `repid` package (ES modules).
// Run by scripts/npm_pack_check.ts in a scratch project: `node example.mjs`.
import process from "node:process";
import { Redis } from "ioredis";
import { Repid, Worker } from "repid";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `repid-npm-pack-esm-${process.pid}-${Date.now()}`;

const worker = new Worker(url, { prefix, logger: "silent" });
worker.actor(async function string_length(theString) {
  return theString.length;
});
const running = worker.runForever({ handleSignals: false });
const producer = new Repid(url, { prefix });
try {
  const job = await producer.enqueueJob("string_length", { args: ["hello"] });
  const result = await job.waitResult({ timeoutMs: 60_000 });
  if (!result.success || result.value !== 5) {
    throw new Error(`unexpected result ${JSON.stringify(result)}`);
  }
  console.log(`esm: string_length("hello") = ${result.value}`);
} finally {
  await worker.stop();
  await running;
  await producer.close();
  await cleanup(url, prefix);
}

async function cleanup(url, prefix) {
  const redis = new Redis(url);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
  await redis.quit();
}
