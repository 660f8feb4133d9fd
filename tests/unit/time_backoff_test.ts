import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { toEpochMs } from "../../src/core/time.ts";
import { backoffDelay, storeRetryDelay, validateBackoff } from "../../src/core/backoff.ts";

describe("toEpochMs()", () => {
  it("takes a Date or integer epoch milliseconds", () => {
    assert.equal(toEpochMs(new Date("2027-01-01T00:00:00Z"), "deferUntil", "x"), 1798761600000);
    assert.equal(toEpochMs(0, "deferUntil", "x"), 0);
  });

  it("refuses NaN, non-finite and non-integer values with a RangeError", () => {
    for (const bad of [NaN, Infinity, -Infinity, 0.5, new Date(NaN)]) {
      assert.throws(() => toEpochMs(bad, "deferUntil", "Cannot enqueue job"), RangeError);
    }
    assert.throws(
      () => toEpochMs("2027" as unknown as number, "deferUntil", "Cannot enqueue job"),
      TypeError,
    );
  });
});

describe("backoffDelay()", () => {
  it("is 0 without a backoff and constant when fixed", () => {
    assert.equal(backoffDelay(undefined, 3), 0);
    assert.equal(backoffDelay({ type: "fixed", delayMs: 250 }, 1), 250);
    assert.equal(backoffDelay({ type: "fixed", delayMs: 250 }, 9), 250);
  });

  it("doubles per retry up to the cap when exponential without jitter", () => {
    const b = { type: "exponential", baseMs: 100, maxMs: 1_000, jitter: false } as const;
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((r) => backoffDelay(b, r)), [
      100,
      200,
      400,
      800,
      1_000,
      1_000,
    ]);
  });

  it("spreads exponential delays between half and all of the raw delay with jitter", () => {
    const b = { type: "exponential", baseMs: 100, maxMs: 10_000 } as const;
    assert.equal(backoffDelay(b, 3, () => 0), 200);
    assert.equal(backoffDelay(b, 3, () => 0.999999), 400);
  });

  it("`validateBackoff()` refuses unknown types and bad numbers", () => {
    assert.throws(() => validateBackoff({ type: "linear" }, "x"), /"linear"/);
    assert.throws(() => validateBackoff({ type: "fixed", delayMs: -1 }, "x"), RangeError);
    assert.throws(() => validateBackoff({ type: "exponential", baseMs: 1.5 }, "x"), RangeError);
    assert.equal(validateBackoff(undefined, "x"), undefined);
  });
});

describe("storeRetryDelay()", () => {
  it("waits 100 ms after the first failure, doubling up to 2 s", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 50].map((f) => storeRetryDelay(f)),
      [100, 200, 400, 800, 1_600, 2_000, 2_000, 2_000],
    );
  });
});
