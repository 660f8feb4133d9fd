import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { assertJobId, assertName, MAX_JOB_ID_LENGTH, utf8Length } from "../../src/core/names.ts";
import {
  assertScheduleIdLength,
  MAX_SCHEDULE_ID_LENGTH,
  occurrenceId,
} from "../../src/core/schedule.ts";

describe("assertName()", () => {
  it("accepts the names the guide uses", () => {
    for (
      const n of ["default", "myqueue", "string_length", "hello_another_queue", "a.b:c-d", "_x"]
    ) {
      assert.equal(assertName("queue", n, "Cannot enqueue job"), n);
    }
  });

  it("refuses empty, oversized and malformed names with a TypeError naming them", () => {
    assert.throws(() => assertName("queue", "", "Cannot enqueue job"), {
      name: "TypeError",
      message: "Cannot enqueue job: queue name is empty",
    });
    assert.throws(
      () => assertName("actor", "x".repeat(129), "Cannot enqueue job"),
      /129 bytes long, expected at most 128 bytes/,
    );
    for (const bad of ["with space", "{tag}", "-lead", "ünïcode", "a/b", "new\nline"]) {
      assert.throws(
        () => assertName("queue", bad, "Cannot enqueue job"),
        (e: Error) => e instanceof TypeError && e.message.includes(JSON.stringify(bad)),
      );
    }
    assert.throws(() => assertName("actor", 42, "Cannot enqueue job"), /must be a string, got 42/);
  });
});

describe("assertJobId()", () => {
  it("accepts ids up to 256 characters without white space", () => {
    assert.equal(assertJobId("report-42/2026", "x"), "report-42/2026");
    assert.equal(assertJobId("x".repeat(256), "x").length, 256);
  });

  it("refuses empty, oversized, blank-containing and non-string ids", () => {
    assert.throws(() => assertJobId("", "Cannot enqueue job"), /job id is empty/);
    assert.throws(
      () => assertJobId("x".repeat(257), "Cannot enqueue job"),
      /257 bytes long in UTF-8 \(257 characters\), expected at most 256 bytes/,
    );
    assert.throws(() => assertJobId("a b", "Cannot enqueue job"), /white space/);
    assert.throws(() => assertJobId(7, "Cannot enqueue job"), TypeError);
  });
});

describe("utf8Length()", () => {
  it("counts bytes of UTF-8 as the store does", () => {
    const cases = ["", "abc", "é", "€", "😀", "a\uD800b", "\uDC00", "x😀é€", "é".repeat(300)];
    for (const s of cases) {
      assert.equal(utf8Length(s), Buffer.byteLength(s, "utf8"), JSON.stringify(s));
    }
  });
});

describe("occurrenceId()", () => {
  it("stays within a job id's bytes for the longest schedule id and any safe time", () => {
    const longest = "é".repeat(MAX_SCHEDULE_ID_LENGTH / 2);
    assert.equal(assertScheduleIdLength(longest, "x"), longest);
    for (const at of [0, Date.now(), Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      const id = occurrenceId(longest, at);
      assert.ok(utf8Length(id) <= MAX_JOB_ID_LENGTH, id);
      assert.equal(assertJobId(id, "x"), id);
    }
    assert.throws(() => assertScheduleIdLength(longest + "é", "x"), /202 bytes long/);
  });
});
