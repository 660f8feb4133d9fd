/**
 * The guide's "Defer job until": a job that must not start before a given
 * time (a `Date` or UTC epoch milliseconds). The guide defers until a New
 * Year's Day, `deferUntil: new Date("2027-01-01T00:00:00Z")`; this example
 * defers by 2 seconds so that it ends by itself. A time in the past runs the
 * job at once.
 *
 * Run: deno run -A examples/defer_until.ts
 */
// Actors are async functions, as in the guide, even when they have nothing to await.
// deno-lint-ignore-file require-await
import process from "node:process";
import { Repid, Worker } from "../mod.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = process.env.REPID_PREFIX ?? "repid-example";

const worker = new Worker(url, { prefix });
worker.actor(async function happy_new_year(): Promise<string> {
  return "happy new year!";
});
const running = worker.runForever();

const producer = new Repid(url, { prefix });
const at = new Date(Date.now() + 2_000);
const job = await producer.enqueueJob("happy_new_year", { deferUntil: at });
console.log(`status: ${await job.status()} until ${at.toISOString()}`);

const result = await job.result;
const late = (result.startedAt ?? 0) - at.getTime(); // times come from the Redis clock
console.log(
  `started ${late >= 0 ? `${late} ms after` : `${-late} ms BEFORE`} its time: ${result.value}`,
);

await producer.close();
await worker.stop();
await running;
