/**
 * Type-level tests of the typed producer. `deno test` type-checks this file:
 * each `@ts-expect-error` line must fail to compile (or the check fails with
 * "Unused '@ts-expect-error' directive"), and each `Expect<Equal<…>>` must
 * hold. The functions are never called, so no store is needed.
 */
// Actors are async functions, as in the guide, even when they have nothing to await.
// deno-lint-ignore-file require-await
import assert from "node:assert/strict";
import { test } from "node:test";
import { defineActor, type Job, type JobResult, type Repid } from "../../mod.ts";
import type * as exampleActors from "../../examples/actors.ts";

/** `true` exactly when `A` and `B` are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
/** Compiles only for `true`. */
type Expect<T extends true> = T;

const shout = defineActor(async function shout(text: string, times: number) {
  return text.toUpperCase().repeat(times);
}, { queue: "loud" });

const actors = {
  x: async (s: string): Promise<number> => s.length,
  ping: async (): Promise<void> => {},
  maybe: async (n: number, label?: string) => `${label ?? ""}${n}`,
  shout,
};

async function typedProducer(producer: Repid<typeof actors>): Promise<void> {
  const job = await producer.enqueueJob("x", { args: ["a"] });
  const value = (await job.result).value;
  type _Value = Expect<Equal<typeof value, number | null>>;
  type _Job = Expect<Equal<typeof job, Job<number>>>;
  type _Result = Expect<Equal<Awaited<typeof job.result>, JobResult<number>>>;
  type _Read = Expect<Equal<Awaited<ReturnType<typeof job.getResult>>, JobResult<number> | null>>;

  // @ts-expect-error: a number is not a string
  await producer.enqueueJob("x", { args: [1] });
  // @ts-expect-error: the actor takes one argument
  await producer.enqueueJob("x", { args: ["a", "b"] });
  // @ts-expect-error: args are required when the actor has parameters
  await producer.enqueueJob("x", {});
  // @ts-expect-error: the options (with args) are required
  await producer.enqueueJob("x");
  // @ts-expect-error: no actor of that name
  await producer.enqueueJob("y", { args: ["a"] });

  // Settings ride along with args.
  await producer.enqueueJob("x", { args: ["a"], queue: "other", deferUntil: Date.now() });
  // An actor without parameters needs no options; its void result reads as null.
  const ping = await producer.enqueueJob("ping");
  type _Ping = Expect<Equal<(typeof ping) extends Job<infer T> ? T : never, void>>;
  // Optional parameters stay optional.
  await producer.enqueueJob("maybe", { args: [1] });
  await producer.enqueueJob("maybe", { args: [1, "n="] });
  // @ts-expect-error: the second parameter is a string
  await producer.enqueueJob("maybe", { args: [1, 2] });
  // A definition in the map is enqueued by name too.
  const loud = await producer.enqueueJob("shout", { args: ["hey", 2] });
  type _Loud = Expect<Equal<Awaited<typeof loud.result>["value"], string | null>>;
}

async function definitionReference(producer: Repid): Promise<void> {
  const job = await producer.enqueueJob(shout, { args: ["hey", 2] });
  type _Value = Expect<Equal<Awaited<typeof job.result>["value"], string | null>>;
  // @ts-expect-error: the second argument is a number
  await producer.enqueueJob(shout, { args: ["hey", "2"] });
  // @ts-expect-error: args are required
  await producer.enqueueJob(shout);
}

async function moduleOfActors(producer: Repid<typeof exampleActors>): Promise<void> {
  // A module's namespace type is an actor map: functions and definitions alike.
  const length = await producer.enqueueJob("string_length", { args: ["hello"] });
  type _Length = Expect<Equal<Awaited<typeof length.result>["value"], number | null>>;
  const failing = await producer.enqueueJob("exceptional_actor", { args: [3] });
  type _Failing = Expect<Equal<Awaited<typeof failing.result>["value"], number | null>>;
  // @ts-expect-error: string_length takes a string
  await producer.enqueueJob("string_length", { args: [42] });
}

async function untypedProducer(producer: Repid): Promise<void> {
  // The plain string form takes any name and any JSON arguments.
  const job = await producer.enqueueJob("anything", { args: [1, "two", { three: 3 }] });
  await producer.enqueueJob("no_args");
  type _Value = Expect<Equal<Awaited<typeof job.result>["value"], unknown>>;
}

test("`Repid<typeof actors>.enqueueJob()` checks actor names, argument types and result types at compile time", () => {
  // The assertions above are checked by the type checker that `deno test` runs.
  assert.equal(typeof typedProducer, "function");
  assert.equal(typeof definitionReference, "function");
  assert.equal(typeof moduleOfActors, "function");
  assert.equal(typeof untypedProducer, "function");
});

test("`defineActor()` keeps the function's types for a typed producer", () => {
  type _Fn = Expect<Equal<Parameters<typeof shout.fn>, [text: string, times: number]>>;
  assert.equal(shout.name, "shout");
  assert.equal(shout.queue, "loud");
});
