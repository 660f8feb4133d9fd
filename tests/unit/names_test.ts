import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { assertJobId, assertName } from "../../src/core/names.ts";

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
      /129 characters/,
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
    assert.throws(() => assertJobId("x".repeat(257), "Cannot enqueue job"), /257 characters/);
    assert.throws(() => assertJobId("a b", "Cannot enqueue job"), /white space/);
    assert.throws(() => assertJobId(7, "Cannot enqueue job"), TypeError);
  });
});
