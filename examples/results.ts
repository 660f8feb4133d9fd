/**
 * The guide's "Results": every job stores a result, also when its actor
 * returns nothing. `await job.result` waits for it (no sleep needed);
 * `job.getResult()` reads it without waiting (`null` while unfinished);
 * `job.waitResult({ timeoutMs })` gives up with a `ResultTimeoutError`.
 * Results are kept for one hour by default (`resultTtlMs`).
 *
 * Run: deno run -A examples/results.ts
 */
import process from "node:process";
import { type JobResult, Repid, ResultTimeoutError, Worker } from "../mod.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = process.env.REPID_PREFIX ?? "repid-example";

const producer = new Repid(url, { prefix });
const myjob = await producer.enqueueJob("some_job");
console.log(`before a worker runs, getResult() is ${await myjob.getResult()}`);
try {
  await myjob.waitResult({ timeoutMs: 200 });
} catch (error) {
  if (error instanceof ResultTimeoutError) console.log("waitResult({ timeoutMs: 200 }) timed out");
}

const worker = new Worker(url, { prefix });
worker.actor(async function some_job(): Promise<void> {});
const running = worker.runForever();

const result: JobResult = await myjob.result;
console.log(`success: ${result.success}, status: ${result.status}, value: ${result.value}`);
console.log(`attempts: ${result.attempts}, took ${result.finishedAt - (result.startedAt ?? 0)} ms`);
console.log(JSON.stringify(result, null, 2));

await producer.close();
await worker.stop();
await running;
