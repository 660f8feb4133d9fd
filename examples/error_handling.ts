/**
 * The guide's "Error handling": an actor that throws for 3. With
 * `retries: 3` a failing job runs up to 3 more times, on the same worker,
 * here with an exponential backoff (100 ms, 200 ms, 400 ms, each with
 * jitter). Every attempt's error is kept in the result.
 *
 * Run: deno run -A examples/error_handling.ts
 */
// Actors are async functions, as in the guide, even when they have nothing to await.
// deno-lint-ignore-file require-await
import process from "node:process";
import { Repid, Worker } from "../mod.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = process.env.REPID_PREFIX ?? "repid-example";

const worker = new Worker(url, { prefix });
worker.actor(async function exceptional_actor(i: number): Promise<number> {
  if (i === 3) throw new Error(`${i} is not allowed`);
  return i;
}, { retries: 3, backoff: { type: "exponential", baseMs: 100, maxMs: 1_000 } });
const running = worker.runForever();

const producer = new Repid(url, { prefix });
const good = await producer.enqueueJob("exceptional_actor", { args: [2] });
const bad = await producer.enqueueJob("exceptional_actor", { args: [3] });

const ok = await good.result;
console.log(`exceptional_actor(2): ${ok.status}, value ${ok.value}, attempts ${ok.attempts}`);
const failed = await bad.result;
console.log(`exceptional_actor(3): ${failed.status} after ${failed.attempts} attempts`);
console.log(`last error: ${failed.error?.name}: ${failed.error?.message}`);
console.log(`errors kept: ${failed.errors.length}`);

await producer.close();
await worker.stop();
await running;
