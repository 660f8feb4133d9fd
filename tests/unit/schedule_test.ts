/**
 * Unit tests of the pure schedule logic (src/core/schedule.ts): durations,
 * fixed-rate and cron arithmetic with an injected "now", validation and ids.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  canonicalJson,
  derivedScheduleId,
  firstOccurrence,
  followingOccurrence,
  nextCron,
  nextFixedRate,
  nextOccurrence,
  occurrenceId,
  parseScheduleSpec,
  ruleKey,
  type ScheduleRule,
} from "../../src/core/schedule.ts";
import { days, hours, minutes, seconds } from "../../mod.ts";

const T0 = Date.UTC(2025, 0, 1, 0, 0, 0); // 2025-01-01T00:00:00Z
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe("duration helpers", () => {
  it("`days(1)` is exactly 86 400 000 ms and the others scale alike", () => {
    assert.equal(days(1), 86_400_000);
    assert.equal(days(7), 604_800_000);
    assert.equal(hours(2), 7_200_000);
    assert.equal(minutes(5), 300_000);
    assert.equal(seconds(1.5), 1_500);
    assert.equal(days(0.5), hours(12));
  });

  it("`days()` refuses a negative or non-finite count with a RangeError", () => {
    assert.throws(() => days(-1), RangeError);
    assert.throws(() => hours(Number.NaN), RangeError);
    assert.throws(() => seconds(Infinity), RangeError);
  });
});

describe("nextFixedRate()", () => {
  const day = days(1);

  it("runs first at the anchor, then every period from it", () => {
    assert.equal(nextFixedRate(T0 + day, day, T0), T0 + day);
    assert.equal(nextFixedRate(T0 + day, day, T0 + day), T0 + 2 * day);
  });

  it("does not drift when a run starts late", () => {
    // The occurrence due at anchor+1 day started 3 h 17 min late: the next is still anchor+2 days.
    const anchor = T0 + day;
    const late = anchor + day + hours(3) + minutes(17);
    assert.equal(nextFixedRate(anchor, day, late), anchor + 2 * day);
  });

  it("skips occurrences missed while no worker ran, to the first future one", () => {
    const anchor = T0 + day;
    // Workers were down for 10 days and 5 hours after the first occurrence.
    const now = anchor + 10 * day + hours(5);
    assert.equal(nextFixedRate(anchor, day, now), anchor + 11 * day);
  });
});

describe("followingOccurrence()", () => {
  const rule: ScheduleRule = { kind: "every", everyMs: days(1), anchor: T0 };

  it("skips missed occurrences by default", () => {
    const now = T0 + 3 * days(1) + 1; // the occurrence due at T0 starts three days late
    assert.equal(followingOccurrence(rule, T0, now, false), T0 + 4 * days(1));
  });

  it("with catchUp, returns the occurrence right after the one that started", () => {
    const now = T0 + 3 * days(1) + 1;
    assert.equal(followingOccurrence(rule, T0, now, true), T0 + days(1));
  });

  it("for cron, skips or catches up in the same way", () => {
    const cron: ScheduleRule = { kind: "cron", cron: "0 * * * *", tz: "UTC" };
    const now = T0 + hours(5) + minutes(30);
    assert.equal(iso(followingOccurrence(cron, T0, now, false)), "2025-01-01T06:00:00.000Z");
    assert.equal(iso(followingOccurrence(cron, T0, now, true)), "2025-01-01T01:00:00.000Z");
  });
});

describe("nextCron()", () => {
  it("reads the pattern in the given IANA time zone, following daylight saving time", () => {
    const winter = Date.UTC(2025, 0, 15, 12, 0, 0);
    const summer = Date.UTC(2025, 6, 15, 12, 0, 0);
    assert.equal(iso(nextCron("0 9 * * *", "Europe/Berlin", winter)), "2025-01-16T08:00:00.000Z");
    assert.equal(iso(nextCron("0 9 * * *", "Europe/Berlin", summer)), "2025-07-16T07:00:00.000Z");
    assert.equal(
      iso(nextCron("0 9 * * *", "America/Los_Angeles", summer)),
      "2025-07-15T16:00:00.000Z",
    );
  });

  it("is strictly after the given time and supports a seconds field", () => {
    const at = Date.UTC(2025, 0, 1, 9, 0, 0);
    assert.equal(iso(nextCron("0 9 * * *", "UTC", at - 1)), "2025-01-01T09:00:00.000Z");
    assert.equal(iso(nextCron("0 9 * * *", "UTC", at)), "2025-01-02T09:00:00.000Z");
    assert.equal(iso(nextCron("*/10 * * * * *", "UTC", at + 1)), "2025-01-01T09:00:10.000Z");
  });
});

describe("firstOccurrence()", () => {
  it("for deferBy, is one period after registration", () => {
    const first = firstOccurrence({ kind: "every", everyMs: days(1) }, T0, undefined);
    assert.deepEqual(first, {
      at: T0 + days(1),
      rule: { kind: "every", everyMs: days(1), anchor: T0 + days(1) },
    });
  });

  it("for deferBy with deferUntil, is at deferUntil and anchors the period there", () => {
    const until = T0 + hours(9);
    const first = firstOccurrence({ kind: "every", everyMs: days(1) }, T0, until);
    assert.equal(first?.at, until);
    assert.equal(nextOccurrence(first!.rule, until), until + days(1));
  });

  it("for cron with deferUntil, is the first match at or after deferUntil", () => {
    const spec = { kind: "cron", cron: "0 9 * * *", tz: "UTC" } as const;
    const nineOnThird = Date.UTC(2025, 0, 3, 9, 0, 0);
    assert.equal(firstOccurrence(spec, T0, nineOnThird)?.at, nineOnThird);
    assert.equal(firstOccurrence(spec, T0, nineOnThird + 1)?.at, nineOnThird + days(1));
    assert.equal(firstOccurrence(spec, T0, undefined)?.at, T0 + hours(9));
  });
});

describe("parseScheduleSpec()", () => {
  const action = "Cannot enqueue job";

  it("returns null without deferBy or cron", () => {
    assert.equal(parseScheduleSpec({}, action), null);
  });

  it("refuses a period under one second with a RangeError naming it", () => {
    assert.throws(
      () => parseScheduleSpec({ deferBy: 999 }, action),
      (e) => e instanceof RangeError && /deferBy is 999 ms/.test(e.message),
    );
    assert.throws(() => parseScheduleSpec({ deferBy: 0 }, action), RangeError);
    assert.throws(() => parseScheduleSpec({ deferBy: 1000.5 }, action), RangeError);
    assert.throws(() => parseScheduleSpec({ deferBy: "1d" }, action), TypeError);
    assert.deepEqual(parseScheduleSpec({ deferBy: 1000 }, action), {
      kind: "every",
      everyMs: 1000,
    });
  });

  it("refuses a bad cron pattern or time zone with a clear error", () => {
    assert.throws(
      () => parseScheduleSpec({ cron: "0 25 * * *" }, action),
      (e) =>
        e instanceof TypeError && /cron "0 25 \* \* \*" is not a valid pattern/.test(e.message),
    );
    assert.throws(() => parseScheduleSpec({ cron: "hello" }, action), TypeError);
    assert.throws(
      () => parseScheduleSpec({ cron: "0 0 30 2 *" }, action),
      (e) => e instanceof TypeError && /never matches/.test(e.message),
    );
    assert.throws(
      () => parseScheduleSpec({ cron: "0 9 * * *", tz: "Mars/Olympus_Mons" }, action),
      (e) =>
        e instanceof RangeError && /tz "Mars\/Olympus_Mons" is not a known IANA/.test(e.message),
    );
  });

  it("refuses deferBy with cron, tz without cron, and a non-boolean catchUp", () => {
    assert.throws(() => parseScheduleSpec({ deferBy: 1000, cron: "* * * * *" }, action), TypeError);
    assert.throws(() => parseScheduleSpec({ deferBy: 1000, tz: "UTC" }, action), TypeError);
    assert.throws(() => parseScheduleSpec({ tz: "UTC" }, action), TypeError);
    assert.throws(() => parseScheduleSpec({ deferBy: 1000, catchUp: "yes" }, action), TypeError);
  });

  it("reads cron in UTC by default and canonicalises the time zone", () => {
    assert.deepEqual(parseScheduleSpec({ cron: " 0  9 * * * " }, action), {
      kind: "cron",
      cron: "0 9 * * *",
      tz: "UTC",
    });
    const spec = parseScheduleSpec({ cron: "0 9 * * *", tz: "europe/berlin" }, action);
    assert.equal(spec?.kind === "cron" && spec.tz, "Europe/Berlin");
  });
});

describe("schedule ids", () => {
  it("`derivedScheduleId()` is stable, ignores object key order, and depends on queue, actor, args", async () => {
    const a = await derivedScheduleId("default", "report", [{ a: 1, b: [1, 2] }]);
    assert.equal(a, await derivedScheduleId("default", "report", [{ b: [1, 2], a: 1 }]));
    assert.match(a, /^report~[0-9a-f]{32}$/);
    assert.notEqual(a, await derivedScheduleId("other", "report", [{ a: 1, b: [1, 2] }]));
    assert.notEqual(a, await derivedScheduleId("default", "report2", [{ a: 1, b: [1, 2] }]));
    assert.notEqual(a, await derivedScheduleId("default", "report", [{ a: 2, b: [1, 2] }]));
  });

  it("`occurrenceId()` is `<scheduleId>@<epochMs>`", () => {
    assert.equal(occurrenceId("nightly", T0), `nightly@${T0}`);
  });

  it("`ruleKey()` changes with the period, the pattern or the time zone", () => {
    assert.notEqual(
      ruleKey({ kind: "every", everyMs: 1000 }),
      ruleKey({ kind: "every", everyMs: 2000 }),
    );
    assert.notEqual(
      ruleKey({ kind: "cron", cron: "0 9 * * *", tz: "UTC" }),
      ruleKey({ kind: "cron", cron: "0 9 * * *", tz: "Europe/Berlin" }),
    );
  });

  it("`canonicalJson()` writes what JSON.stringify writes, keys sorted, at any depth", () => {
    const sortedStringify = (value: unknown) =>
      JSON.stringify(value, (_key, v) => {
        if (v && typeof v === "object" && !Array.isArray(v)) {
          const sorted: Record<string, unknown> = {};
          for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
          return sorted;
        }
        return v;
      });
    const samples: unknown[] = [
      null,
      0,
      -1.5e300,
      'é\u2028"',
      [],
      {},
      [1, [2, [3]], { z: 1, a: [null, true, "x"] }],
      { b: { d: 1, c: 2, "": 0, "10": 1, "9": 2 }, a: [3], u: undefined, ä: "ü" },
      [undefined, NaN, Infinity],
    ];
    for (const v of samples) assert.equal(canonicalJson(v), sortedStringify(v), JSON.stringify(v));
    // keys already in order at every level: the text is exactly JSON.stringify's
    let deep: unknown = { x: 2, y: 1 };
    for (let i = 0; i < 10_000; i++) deep = { a: i, b: [deep] };
    assert.equal(canonicalJson(deep), JSON.stringify(deep));
    assert.equal(canonicalJson({ b: deep, a: 1 }), `{"a":1,"b":${JSON.stringify(deep)}}`);
  });

  it("`canonicalJson()` sorts object keys at every level", () => {
    assert.equal(canonicalJson({ b: { d: 1, c: 2 }, a: [3] }), '{"a":[3],"b":{"c":2,"d":1}}');
  });
});
