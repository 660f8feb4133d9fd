/**
 * A typed producer: `new Repid<typeof actors>()` ties each actor name to its
 * arguments and result, so mistakes fail to compile. Passing an actor
 * definition (from `defineActor`) instead of a name also uses its queue.
 *
 * Run: deno run -A examples/typed_producer.ts
 */
import process from "node:process";
import { Repid, Worker } from "../mod.ts";
import * as actors from "./actors.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = process.env.REPID_PREFIX ?? "repid-example";

const worker = new Worker(url, { prefix });
for (const actor of Object.values(actors)) worker.actor(actor);
const running = worker.runForever();

const producer = new Repid<typeof actors>(url, { prefix });

const length = await producer.enqueueJob("string_length", { args: ["typed"] });
const n: number | null = (await length.result).value;
console.log(`string_length("typed") = ${n}`);

const sum = await producer.enqueueJob("add", { args: [2, 3] });
console.log(`add(2, 3) = ${(await sum.result).value}`);

// These do not compile:
// producer.enqueueJob("string_length", { args: [42] });   // 42 is not a string
// producer.enqueueJob("string_length");                   // args are required
// producer.enqueueJob("strnig_length", { args: ["x"] });  // no such actor

// A definition carries its queue ("myqueue" here):
const hello = await producer.enqueueJob(actors.hello_another_queue);
const greeting: string | null = (await hello.result).value;
console.log(`hello_another_queue on ${hello.queue}: ${greeting}`);

await producer.close();
await worker.stop();
await running;
