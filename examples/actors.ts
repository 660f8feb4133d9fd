/**
 * A module of actors, for a worker started from the command line:
 *
 * ```sh
 * deno task worker examples/actors.ts --queues default,myqueue --concurrency 50
 * ```
 *
 * Every exported function is an actor named after its export; an export made
 * with `defineActor()` carries its own name, queue and options. The module
 * exports nothing else, so that `typeof import("./actors.ts")` types a
 * producer (see `typed_producer.ts`).
 */
// Actors are async functions, as in the guide, even when they have nothing to await.
// deno-lint-ignore-file require-await
import { setTimeout as delay } from "node:timers/promises";
import { defineActor } from "../mod.ts";

/** Counts the characters of a string, after a short pretend wait. */
export async function string_length(theString: string): Promise<number> {
  await delay(100);
  return theString.length;
}

/** Greets from the queue "myqueue". */
export const hello_another_queue = defineActor(async function hello_another_queue() {
  console.log("hi");
  return "hi";
}, { queue: "myqueue" });

/** Fails for 3, and is retried 3 times with a growing delay before it gives up. */
export const exceptional_actor = defineActor(async function exceptional_actor(i: number) {
  if (i === 3) throw new Error(`${i} is not allowed`);
  return i;
}, { retries: 3, backoff: { type: "exponential", baseMs: 100, maxMs: 1_000 } });

/** Celebrates; enqueued with `deferUntil`. */
export async function happy_new_year(): Promise<string> {
  return "happy new year!";
}

/** Adds two numbers: a fast actor for batches. */
export async function add(a: number, b: number): Promise<number> {
  return a + b;
}

/** Returns nothing: its result is still stored, with the value `null`. */
export async function some_job(): Promise<void> {
  await delay(10);
}
