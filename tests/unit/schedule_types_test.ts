/**
 * Type-level tests of recurring jobs on the typed producer. `deno test`
 * type-checks this file; the function is never called, so no store is needed.
 */
// Actors are async functions, as in the guide, even when they have nothing to await.
// deno-lint-ignore-file require-await
import assert from "node:assert/strict";
import { test } from "node:test";
import { days, type Job, type JobResult, type Repid, type Schedule } from "../../mod.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
type Expect<T extends true> = T;

const actors = {
  good_morning: async (name: string): Promise<string> => `good morning, ${name}`,
  tick: async (): Promise<void> => {},
};

async function typedRecurring(producer: Repid<typeof actors>): Promise<void> {
  const daily = await producer.enqueueJob("good_morning", { deferBy: days(1), args: ["Ada"] });
  type _Daily = Expect<Equal<typeof daily, Schedule<string>>>;
  const latest = await daily.latestResult();
  type _Latest = Expect<Equal<typeof latest, JobResult<string> | null>>;
  const next = await daily.nextJob();
  type _Next = Expect<Equal<typeof next, Job<string> | null>>;

  const cron = await producer.enqueueJob("tick", { cron: "0 9 * * *", tz: "Europe/Berlin" });
  type _Cron = Expect<Equal<typeof cron, Schedule<void>>>;
  const once = await producer.enqueueJob("tick");
  type _Once = Expect<Equal<typeof once, Job<void>>>;

  // @ts-expect-error: args are required when the actor has parameters
  await producer.enqueueJob("good_morning", { deferBy: days(1) });
  // @ts-expect-error: deferBy and cron together
  await producer.enqueueJob("tick", { deferBy: 1000, cron: "* * * * *" });
  // @ts-expect-error: deferBy is milliseconds
  await producer.enqueueJob("tick", { deferBy: "1 day" });
}

test("`Repid.enqueueJob()` with `deferBy` or `cron` is typed to return a `Schedule`", () => {
  assert.equal(typeof typedRecurring, "function");
});
