/**
 * How much producer memory one pending result wait costs, and how many
 * commands the safety-net re-read of pending waits sends.
 *
 * Enqueues N jobs that no worker runs (on a redis-server of its own), then
 * waits for all of them, and reports the heap growth per job handle and per
 * pending wait (after a full GC), then the commands one re-read sends.
 *
 * Usage: `deno run -A --v8-flags=--expose-gc bench/wait_memory.ts [N] [port]`
 * (defaults: 100000 jobs, port 6521).
 *
 * @module
 */

import process from "node:process";
import { Redis } from "ioredis";
import { Repid } from "../mod.ts";
import { CommandRecorder, countByName } from "../tests/support/command_recorder.ts";
import { RedisServer } from "../tests/support/redis_server.ts";

const n = Number(Deno.args[0] ?? 100_000);
const port = Number(Deno.args[1] ?? 6521);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --v8-flags=--expose-gc");

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const server = await RedisServer.start({ port });
const recheckMs = 60_000;
const producer = new Repid(server.url, { recheckMs });
try {
  const args = ["x".repeat(1_000)]; // 1 KB of arguments per job
  const base = heap();
  const jobs = [];
  for (let i = 0; i < n; i += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, n - i) }, () => ({
      actor: "never_run",
      args,
    }));
    jobs.push(...await producer.enqueueJobs(batch));
  }
  const afterEnqueue = heap();
  const waits = jobs.map((job) => job.result.catch(() => {}));
  // Let the waits subscribe and settle into pending.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const afterWaits = heap();
  console.log(`jobs: ${n}, waits: ${waits.length}`);
  console.log(
    `heap per Job handle: ${((afterEnqueue - base) / n).toFixed(0)} B`,
  );
  console.log(
    `heap per pending wait: ${((afterWaits - afterEnqueue) / n).toFixed(0)} B`,
  );

  // One re-read of the pending waits: a reconnect of the subscriber triggers it
  // (as the timer does every recheckMs).
  const admin = new Redis(server.url);
  await admin.config("SET", "slowlog-log-slower-than", "1000");
  await admin.slowlog("RESET");
  await admin.config("RESETSTAT");
  const recorder = await CommandRecorder.start(port);
  const mark = recorder.mark();
  const started = Date.now();
  await admin.client("KILL", "TYPE", "pubsub");
  // The re-read is over when the command count stops growing.
  let last = -1;
  while (true) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await recorder.flush();
    const count = recorder.since(mark).length;
    if (count === last) break;
    last = count;
  }
  const sent = recorder.since(mark);
  console.log(
    `re-read after a reconnect: ${sent.length} commands in ~${Date.now() - started - 500} ms`,
    countByName(sent),
  );
  console.log(
    "server time per command:",
    (await admin.info("commandstats")).split("\r\n").filter((l) => /evalsha|hget/.test(l)),
  );
  const slow = await admin.slowlog("GET", 10) as [
    number,
    number,
    number,
    string[],
  ][];
  console.log(
    "commands over 1 ms (µs):",
    slow.map((e) => `${e[2]} ${e[3][0]}`),
  );
  await admin.quit();
  await recorder.stop();
} finally {
  await producer.close();
  await server.stop();
}
