// Runs the installed `repid` bin as a worker process (`repid worker ./actors.js
// --queues default`), has it run one job, then stops it with SIGTERM and
// expects a graceful exit (code 0). Run by scripts/npm_pack_check.ts, with
// `node` (the bin on its shebang, Node) or with `bun` (`bunx --bun repid`, the
// bin on Bun).
import { spawn } from "node:child_process";
import process from "node:process";
import { Redis } from "ioredis";
import { Repid } from "repid";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `repid-npm-pack-bin-${process.pid}-${Date.now()}`;
const workerArgs = [
  "worker",
  "./actors.js",
  "--queues",
  "default",
  "--prefix",
  prefix,
  "--redis-url",
  url,
];
const child = process.versions.bun
  ? spawn(process.execPath, ["x", "--bun", "repid", ...workerArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  })
  : spawn("node_modules/.bin/repid", workerArgs, { stdio: ["ignore", "pipe", "pipe"] });
let output = "";
child.stdout.on("data", (chunk) => (output += chunk));
child.stderr.on("data", (chunk) => (output += chunk));
const exited = new Promise((resolve) =>
  child.on("close", (code, signal) => resolve({ code, signal }))
);

const producer = new Repid(url, { prefix });
try {
  const job = await producer.enqueueJob("shout", { args: ["hello"] });
  const result = await job.waitResult({ timeoutMs: 60_000 });
  if (!result.success || result.value !== "HELLO!") {
    throw new Error(`unexpected result ${JSON.stringify(result)}\n${output}`);
  }
  console.log(`bin: the repid worker ran shout("hello") = ${result.value}`);
  child.kill("SIGTERM");
  const { code, signal } = await exited;
  if (code !== 0) {
    throw new Error(`repid worker exited with ${code ?? signal} after SIGTERM\n${output}`);
  }
  console.log("bin: the repid worker stopped gracefully on SIGTERM");
} finally {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
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
