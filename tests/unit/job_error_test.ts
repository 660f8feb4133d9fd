/** `toJobError()`: whatever is thrown becomes a stored description, never a throw. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MAX_ERROR_TEXT, toJobError } from "../../src/core/job_error.ts";
import { hostileThrowables } from "../support/hostile_throwables.ts";

describe("toJobError()", () => {
  it("keeps an Error's name, message and stack", () => {
    const e = toJobError(new RangeError("too big"));
    assert.equal(e.name, "RangeError");
    assert.equal(e.message, "too big");
    assert.match(e.stack ?? "", /RangeError: too big/);
  });

  it("describes plain values by their JSON or string form", () => {
    assert.deepEqual(toJobError("plain"), { name: "Error", message: "plain" });
    assert.deepEqual(toJobError({ code: 7 }), { name: "Error", message: '{"code":7}' });
    assert.deepEqual(toJobError(42), { name: "Error", message: "42" });
    assert.deepEqual(toJobError(undefined), { name: "Error", message: "undefined" });
    assert.deepEqual(toJobError(null), { name: "Error", message: "null" });
    assert.deepEqual(toJobError({ name: "Custom", message: "m" }), {
      name: "Custom",
      message: "m",
    });
  });

  for (const { label, value, message } of hostileThrowables()) {
    it(`describes ${label} without throwing`, () => {
      const e = toJobError(value());
      assert.equal(typeof e.name, "string");
      assert.match(e.message, message);
      assert.doesNotThrow(() => JSON.stringify(e));
    });
  }

  it("cuts a very long message and stack, keeping their start", () => {
    const error = new Error("x".repeat(MAX_ERROR_TEXT * 4));
    error.stack = "s".repeat(MAX_ERROR_TEXT * 4);
    const e = toJobError(error);
    assert.ok(e.message.length < MAX_ERROR_TEXT + 100);
    assert.ok(e.message.startsWith("xxxx"));
    assert.match(e.message, /cut, 262144 characters in all/);
    assert.ok(e.stack!.length < MAX_ERROR_TEXT + 100);
    assert.equal(
      toJobError("y".repeat(MAX_ERROR_TEXT + 1)).message.length < MAX_ERROR_TEXT + 100,
      true,
    );
  });

  it("does not cut inside a surrogate pair", () => {
    const text = "a".repeat(MAX_ERROR_TEXT - 1) + "😀".repeat(10);
    const e = toJobError(text);
    assert.equal(e.message.slice(0, MAX_ERROR_TEXT - 1), "a".repeat(MAX_ERROR_TEXT - 1));
    assert.equal(e.message.charAt(MAX_ERROR_TEXT - 1), "…");
  });
});
