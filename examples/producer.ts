/**
 * The guide's "Producer": enqueue a job by actor name onto the `default`
 * queue, follow its status, and read its result, here and by id as another
 * process would. A worker for the actors of `actors.ts` runs in this process
 * so that the example ends by itself; in production it is
 * `deno task worker examples/actors.ts`.
 *
 * Run: deno run -A examples/producer.ts
 */
import process from "node:process";
import { Repid, Worker } from "../mod.ts";
import * as actors from "./actors.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = process.env.REPID_PREFIX ?? "repid-example";

const producer = new Repid(url, { prefix });
const job = await producer.enqueueJob("string_length", { args: ["hello world"] });
console.log(`enqueued job ${job.id} for ${job.actor} on queue ${job.queue}`);
console.log(`status before any worker runs: ${await job.status()}`);
console.log(`result before it ran (no waiting): ${await job.getResult()}`);

const worker = new Worker(url, { prefix });
for (const actor of Object.values(actors)) worker.actor(actor);
const running = worker.runForever();

const result = await job.result; // waits until the job has finished
console.log(`status: ${await job.status()}, value: ${result.value}`);

// Another process knows only the id: getJob() finds the job and its result.
const again = await producer.getJob(job.id);
console.log(`read by id: ${JSON.stringify((await again?.result)?.value)}`);

await producer.close();
await worker.stop();
await running;
