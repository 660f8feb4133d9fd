import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { wrapStoreError } from "../../src/backend/store_error.ts";
import { ConnectionError, StoreRefusedError } from "../../mod.ts";

describe("wrapStoreError()", () => {
  it("passes bad-argument errors and Repid's own store errors through", () => {
    const bad = new RangeError("too long");
    const refused = new StoreRefusedError("enqueue job", new Error("ERR corrupted"));
    assert.equal(wrapStoreError("enqueue job", bad), bad);
    assert.equal(wrapStoreError("register recurring job", refused), refused);
  });

  it("reports anything else as a lost connection, naming the action and keeping the cause", () => {
    const cause = new Error("socket hang up");
    const error = wrapStoreError("enqueue job", cause);
    assert.ok(error instanceof ConnectionError);
    assert.match(error.message, /^Cannot enqueue job/);
    assert.equal(error.cause, cause);
  });
});
