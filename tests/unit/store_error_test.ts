import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { wrapStoreError } from "../../src/backend/store_error.ts";
import { ConnectionError } from "../../mod.ts";

describe("wrapStoreError()", () => {
  it("passes bad-argument errors and the store's error replies through", () => {
    const bad = new RangeError("too long");
    const reply = Object.assign(new Error("ERR corrupted"), { name: "ReplyError" });
    assert.equal(wrapStoreError("enqueue job", bad), bad);
    assert.equal(wrapStoreError("register recurring job", reply), reply);
  });

  it("reports anything else as a lost connection, naming the action and keeping the cause", () => {
    const cause = new Error("socket hang up");
    const error = wrapStoreError("enqueue job", cause);
    assert.ok(error instanceof ConnectionError);
    assert.match(error.message, /^Cannot enqueue job/);
    assert.equal(error.cause, cause);
  });
});
