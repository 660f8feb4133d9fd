// deno-lint-ignore-file require-await -- actors are async functions, as in the guide
/**
 * The default result retention is one hour (issue 11, point 10: one day kept
 * ~86 million results at 1,000 jobs a second). Shown on Redis by the job
 * key's expiry, and on the in-memory store by its injected clock.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { MemoryBackend, Repid, Worker } from "../../mod.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";

const HOUR = 3_600_000;

describe("default result retention", () => {
  it("a finished job's record expires one hour after it finished (Redis)", async () => {
    const prefix = testPrefix("retention");
    const worker = new Worker(REDIS_URL, { prefix, logger: "silent" });
    worker.actor(async function small() {
      return 5;
    });
    const running = worker.runForever({ handleSignals: false });
    const producer = new Repid(REDIS_URL, { prefix });
    const redis = new Redis(REDIS_URL);
    try {
      const job = await producer.enqueueJob("small");
      assert.equal((await job.result).value, 5);
      const ttl = await redis.pttl(`${prefix}:{default}:job:${job.id}`);
      assert.ok(ttl > HOUR - 60_000 && ttl <= HOUR, `PTTL ${ttl} ms, expected about one hour`);
    } finally {
      await worker.stop();
      await running;
      await producer.close();
      await redis.quit();
      await cleanup(prefix);
    }
  });

  it("a finished job's result is gone one hour after it finished (memory store, injected clock)", async () => {
    let now = 1_700_000_000_000;
    const backend = new MemoryBackend({ now: () => now });
    const worker = new Worker(null, { backend, logger: "silent" });
    worker.actor(async function small() {
      return 5;
    });
    const running = worker.runForever({ handleSignals: false });
    const producer = new Repid(null, { backend });
    const job = await producer.enqueueJob("small");
    const result = await job.result;
    await worker.stop();
    await running;
    now = result.finishedAt + HOUR;
    assert.equal((await job.getResult())?.value, 5, "kept for the whole hour");
    now += 1;
    assert.equal(await job.getResult(), null, "gone after it");
    await producer.close();
    await backend.close();
  });
});
