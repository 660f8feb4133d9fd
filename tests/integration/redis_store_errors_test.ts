/**
 * Redis only: what the store answers with an error reply or not at all
 * reaches the user as Repid's own errors (with the ioredis error as
 * `cause`), never as a raw ioredis `ReplyError`.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import {
  ConnectionError,
  Repid,
  RepidError,
  StoreRefusedError,
  StoreUnavailableError,
} from "../../mod.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";

/** Nothing listens here (a port of this test file's range). */
const CLOSED_PORT = 6519;

describe("store errors (redis)", () => {
  const prefix = testPrefix("store-errors");
  const base = `${prefix}:{refused}`;
  let redis: Redis;
  let producer: Repid;
  before(async () => {
    redis = new Redis(REDIS_URL);
    producer = new Repid(REDIS_URL, { prefix });
    // Keys of the wrong Redis type where a job record and a schedule record belong.
    await redis.set(`${base}:job:taken`, "not a hash");
    await redis.set(`${base}:schedule:nightly`, "not a hash");
  });
  after(async () => {
    await producer.close();
    await redis.quit();
    await cleanup(prefix);
  });

  /** Asserts `error` is a refusal of `action` that keeps Redis's reply as its cause. */
  function assertRefused(error: unknown, action: string): true {
    assert.ok(error instanceof StoreRefusedError, `got ${error}`);
    assert.ok(error instanceof RepidError);
    assert.match(error.message, new RegExp(`^Cannot ${action}: the store refused it \\(WRONGTYPE`));
    assert.equal((error.cause as Error).name, "ReplyError");
    return true;
  }

  it("enqueueJob() rejects with StoreRefusedError when Redis refuses the write", async () => {
    await assert.rejects(
      producer.enqueueJob("a", { queue: "refused", jobId: "taken" }),
      (e) => assertRefused(e, "enqueue job"),
    );
  });

  it("enqueueJobs() rejects with StoreRefusedError when Redis refuses the write", async () => {
    await assert.rejects(
      producer.enqueueJobs([
        { actor: "a", queue: "refused", jobId: "free" },
        { actor: "a", queue: "refused", jobId: "taken" },
      ]),
      (e) => assertRefused(e, "enqueue jobs"),
    );
  });

  it("getJob() and schedule calls reject with StoreRefusedError", async () => {
    await assert.rejects(
      producer.getJob("taken", { queue: "refused" }),
      (e) => assertRefused(e, 'read job "taken"'),
    );
    await assert.rejects(
      producer.getSchedule("nightly", { queue: "refused" }),
      (e) => assertRefused(e, 'read schedule "nightly"'),
    );
    await assert.rejects(
      producer.enqueueJob("a", { queue: "refused", deferBy: 60_000, jobId: "nightly" }),
      (e) => assertRefused(e, "register recurring job"),
    );
  });

  it("a store that does not answer gives ConnectionError, a StoreUnavailableError", async () => {
    const client = new Redis(`redis://127.0.0.1:${CLOSED_PORT}`, {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    client.on("error", () => {});
    const offline = new Repid(client, { prefix });
    try {
      await assert.rejects(offline.enqueueJob("a"), (e) => {
        assert.ok(e instanceof ConnectionError, `got ${e}`);
        assert.ok(e instanceof StoreUnavailableError);
        assert.equal(e.condition, "unreachable");
        assert.match(e.message, /^Cannot enqueue job: the store did not answer/);
        return true;
      });
      await assert.rejects(offline.getJob("x"), ConnectionError);
    } finally {
      await offline.close();
      client.disconnect();
    }
  });
});
