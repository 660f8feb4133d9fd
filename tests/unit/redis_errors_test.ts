import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ReplyError } from "ioredis";
import { redisStoreError } from "../../src/backend/redis/redis_errors.ts";
import {
  ConnectionError,
  RepidError,
  StoreRefusedError,
  StoreUnavailableError,
} from "../../src/errors.ts";

describe("redisStoreError()", () => {
  it("maps the error replies of passing conditions to StoreUnavailableError with their condition", () => {
    const cases: [string, string][] = [
      ["OOM command not allowed when used memory > 'maxmemory'.", "out_of_memory"],
      ["LOADING Redis is loading the dataset in memory", "loading"],
      ["BUSY Redis is busy running a script.", "busy"],
      ["READONLY You can't write against a read only replica.", "read_only"],
      ["MASTERDOWN Link with MASTER is down", "unavailable"],
      ["TRYAGAIN Multiple keys request during rehashing of slot", "unavailable"],
      ["CLUSTERDOWN The cluster is down", "unavailable"],
      ["MISCONF Redis is configured to save RDB snapshots", "unavailable"],
    ];
    for (const [reply, condition] of cases) {
      const cause = new ReplyError(reply);
      const error = redisStoreError("enqueue job", cause);
      assert.ok(error instanceof StoreUnavailableError, reply);
      assert.equal((error as StoreUnavailableError).condition, condition);
      assert.equal(error.cause, cause);
      assert.match(error.message, /^Cannot enqueue job: /);
    }
  });

  it("maps other error replies to StoreRefusedError", () => {
    for (const reply of ["WRONGTYPE Operation against a key", "ERR bad", "BUSYKEY Target key"]) {
      const error = redisStoreError("complete jobs", new ReplyError(reply));
      assert.ok(error instanceof StoreRefusedError, reply);
      assert.ok(error.message.startsWith("Cannot complete jobs: the store refused it ("));
    }
  });

  it("maps errors without a reply to ConnectionError, and keeps Repid's and argument errors", () => {
    const lost = redisStoreError("fetch jobs", new Error("Connection is closed."));
    assert.ok(lost instanceof ConnectionError);
    assert.equal((lost as ConnectionError).condition, "unreachable");
    const own = new RepidError("x");
    assert.equal(redisStoreError("fetch jobs", own), own);
    const bad = new RangeError("y");
    assert.equal(redisStoreError("fetch jobs", bad), bad);
  });
});
