/**
 * The guide's "Non-default queue": an actor on the queue "myqueue", and a job
 * enqueued onto it. Without `queue`, the queue is `default`.
 *
 * Run: deno run -A examples/non_default_queue.ts
 */
// Actors are async functions, as in the guide, even when they have nothing to await.
// deno-lint-ignore-file require-await
import process from "node:process";
import { Repid, Worker } from "../mod.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = process.env.REPID_PREFIX ?? "repid-example";

const worker = new Worker(url, { prefix });
worker.actor(async function hello_another_queue() {
  console.log("hi");
}, { queue: "myqueue" });
const running = worker.runForever();

const producer = new Repid(url, { prefix });
const job = await producer.enqueueJob("hello_another_queue", { queue: "myqueue" });
const result = await job.result;
console.log(`job on queue ${result.queue}: ${result.status}`);

await producer.close();
await worker.stop();
await running;
