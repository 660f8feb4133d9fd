/**
 * Every duration option, at both ends of its range: the bound itself is
 * accepted and one past it is refused with a RangeError naming the option.
 * Timer-paced options are bounded (a timer keeps at most 2³¹ − 1 ms); the
 * others take any safe integer (long waits run on chained timers, long
 * retentions in the store).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { defineActor, MemoryBackend, Repid, Worker } from "../../mod.ts";
import { MAX_PERIOD_MS, parseScheduleSpec } from "../../src/core/schedule.ts";
import { DAY_MS, HOUR_MS, MAX_EPOCH_MS } from "../../src/core/time.ts";
import { newJob } from "../../src/producer/enqueue_options.ts";

const MAX = Number.MAX_SAFE_INTEGER;
const backend = new MemoryBackend();
const worker = (o: Record<string, number>) => new Worker(null, { backend, logger: "silent", ...o });
const actor = (o: Record<string, unknown>) => defineActor(async function a() {}, o);
const job = (o: Record<string, unknown>) => newJob("a", o);

const cases: { option: string; min: number; max: number; make: (v: number) => unknown }[] = [
  { option: "leaseMs", min: 100, max: DAY_MS, make: (v) => worker({ leaseMs: v }) },
  { option: "idleMs", min: 10, max: HOUR_MS, make: (v) => worker({ idleMs: v }) },
  { option: "graceMs", min: 0, max: MAX, make: (v) => worker({ graceMs: v }) },
  { option: "resultTtlMs", min: 1, max: MAX, make: (v) => worker({ resultTtlMs: v }) },
  {
    option: "unknownActorDelayMs",
    min: 10,
    max: DAY_MS,
    make: (v) => worker({ unknownActorDelayMs: v }),
  },
  { option: "timeoutMs", min: 1, max: MAX, make: (v) => actor({ timeoutMs: v }) },
  { option: "resultTtlMs", min: 1, max: MAX, make: (v) => actor({ resultTtlMs: v }) },
  {
    option: "backoff.delayMs",
    min: 0,
    max: MAX,
    make: (v) => actor({ backoff: { type: "fixed", delayMs: v } }),
  },
  {
    option: "backoff.baseMs",
    min: 0,
    max: MAX,
    make: (v) => actor({ backoff: { type: "exponential", baseMs: v } }),
  },
  {
    option: "backoff.maxMs",
    min: 0,
    max: MAX,
    make: (v) => actor({ backoff: { type: "exponential", baseMs: 1, maxMs: v } }),
  },
  { option: "timeoutMs", min: 1, max: MAX, make: (v) => job({ timeoutMs: v }) },
  { option: "resultTtlMs", min: 1, max: MAX, make: (v) => job({ resultTtlMs: v }) },
  {
    option: "deferUntil",
    min: -MAX_EPOCH_MS,
    max: MAX_EPOCH_MS,
    make: (v) => job({ deferUntil: v }),
  },
  {
    option: "deferBy",
    min: 1_000,
    max: MAX_PERIOD_MS,
    make: (v) => parseScheduleSpec({ deferBy: v }, "Cannot enqueue job"),
  },
  {
    option: "recheckMs",
    min: 100,
    max: HOUR_MS,
    make: (v) => new Repid(null, { backend, recheckMs: v }),
  },
  {
    option: "sweepMs",
    min: 10,
    max: HOUR_MS,
    make: (v) => void new MemoryBackend({ sweepMs: v }).close(),
  },
];

describe("duration options", () => {
  for (const { option, min, max, make } of cases) {
    it(`\`${option}\` takes ${min} to ${max} and refuses one past either end`, () => {
      make(min);
      make(max);
      for (const bad of [min - 1, max + 1]) {
        assert.throws(
          () => make(bad),
          (e: Error) =>
            e instanceof RangeError && e.message.includes(option) &&
            e.message.includes(String(bad)),
          `${option} = ${bad}`,
        );
      }
    });
  }

  it("`waitResult({ timeoutMs })` takes 0 to MAX_SAFE_INTEGER and refuses one past either end", async () => {
    const producer = new Repid(null, { backend });
    const handle = await producer.enqueueJob("nobody", { queue: "durations" });
    const long = handle.waitResult({ timeoutMs: MAX }).catch((e: Error) => e);
    await assert.rejects(handle.waitResult({ timeoutMs: 0 }), { name: "ResultTimeoutError" });
    for (const bad of [-1, MAX + 1]) {
      assert.throws(
        () => handle.waitResult({ timeoutMs: bad }),
        (e: Error) => e instanceof RangeError && /timeoutMs is/.test(e.message),
      );
    }
    await producer.close();
    assert.match(
      (await long as Error).message,
      /closed/,
      "the longest wait was pending until the close",
    );
  });

  it("`stop({ graceMs })` refuses one past either end and takes MAX_SAFE_INTEGER", async () => {
    const w = worker({});
    w.actor(async function idle() {});
    const running = w.runForever({ handleSignals: false });
    for (const bad of [-1, MAX + 1]) {
      assert.throws(() => w.stop({ graceMs: bad }), RangeError);
    }
    await w.stop({ graceMs: MAX });
    await running;
  });
});
