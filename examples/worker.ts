/**
 * The guide's "Worker": an async function that counts the length of a
 * string, turned into an actor. A producer in the same process enqueues one
 * job and awaits its result, then everything stops.
 *
 * Run: deno run -A examples/worker.ts (Redis at REDIS_URL, default
 * redis://127.0.0.1:6379).
 */
import process from "node:process";
import { setTimeout as delay } from "node:timers/promises";
import { Repid, Worker } from "../mod.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = process.env.REPID_PREFIX ?? "repid-example";

const worker = new Worker(url, { prefix, concurrency: 50 });
worker.actor(async function string_length(theString: string): Promise<number> {
  await delay(1_000);
  return theString.length;
});
// All arguments and return values must be JSON values.
const running = worker.runForever(); // until SIGINT/SIGTERM or worker.stop()

// The producer usually lives in another process; it only needs the same Redis and prefix.
const producer = new Repid(url, { prefix });
const job = await producer.enqueueJob("string_length", { args: ["hello"] });
const result = await job.result;
console.log(`string_length("hello") = ${result.value}`);

await producer.close();
await worker.stop();
await running;
