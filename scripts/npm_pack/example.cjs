// The same program from CommonJS: `require("repid")` of an ES module package,
// which Node 20.19+ allows without a flag. Run by scripts/npm_pack_check.ts.
"use strict";
const process = require("node:process");
const { Redis } = require("ioredis");
const { Repid, Worker } = require("repid");

async function main() {
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const prefix = `repid-npm-pack-cjs-${process.pid}-${Date.now()}`;
  const worker = new Worker(url, { prefix, logger: "silent" });
  worker.actor(async function add(a, b) {
    return a + b;
  });
  const running = worker.runForever({ handleSignals: false });
  const producer = new Repid(url, { prefix });
  try {
    const job = await producer.enqueueJob("add", { args: [2, 3] });
    const result = await job.waitResult({ timeoutMs: 60_000 });
    if (!result.success || result.value !== 5) {
      throw new Error(`unexpected result ${JSON.stringify(result)}`);
    }
    console.log(`cjs: add(2, 3) = ${result.value}`);
  } finally {
    await worker.stop();
    await running;
    await producer.close();
    const redis = new Redis(url);
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
    await redis.quit();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
