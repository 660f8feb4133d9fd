/**
 * Redis only: queue entries the fault suite's poison scenario found
 * mishandled. A job key of the wrong Redis type used to abort the fetch
 * script after it had popped the jobs behind it (lost for good); an unknown
 * status was dropped silently; an invalid actor name was requeued forever.
 * Now each is dead-lettered with a reason and the good jobs run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { Repid, Worker } from "../../mod.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { waitFor } from "../support/wait.ts";
import { indexIds } from "../support/finished_index.ts";

test("Worker: entries with a wrong key type, an unknown status or an invalid actor name are dead-lettered, and the jobs behind them run", async () => {
  const prefix = testPrefix("poison-entries");
  const base = `${prefix}:{default}`;
  const redis = new Redis(REDIS_URL);
  const producer = new Repid(REDIS_URL, { prefix });
  const worker = new Worker(REDIS_URL, { prefix, logger: "silent", concurrency: 10 });
  worker.actor(function double(n: number): number {
    return n * 2;
  });
  try {
    const before = await producer.enqueueJob("double", { args: [1] });
    await redis.set(`${base}:job:wrongtype`, "a string, not a hash");
    await redis.hset(`${base}:job:badstatus`, { status: "banana", actor: "double", args: "[2]" });
    await redis.hset(`${base}:job:badname`, { status: "queued", actor: "has space", args: "[3]" });
    await redis.rpush(`${base}:ready`, "wrongtype", "badstatus", "badname");
    // Popped in the same fetch as the entries above.
    const behind = await Promise.all(
      [4, 5, 6].map((n) => producer.enqueueJob("double", { args: [n] })),
    );
    const running = worker.runForever({ handleSignals: false });

    const results = await Promise.all(
      [before, ...behind].map((j) => j.waitResult({ timeoutMs: 20_000 })),
    );
    assert.deepEqual(results.map((r) => r.value), [2, 8, 10, 12]);

    const wrongTypeId = `malformed:${createHash("sha1").update("wrongtype").digest("hex")}`;
    const dead = await waitFor("three dead letters", async () => {
      const ids = await indexIds(redis, `${base}:dead`);
      return ids.length === 3 ? new Set(ids) : null;
    });
    assert.deepEqual(dead, new Set([wrongTypeId, "badstatus", "badname"]));
    const reason = async (id: string) => {
      const h = await redis.hgetall(`${base}:job:${id}`);
      return `${h.status} ${h.reason}: ${JSON.parse(h.error).message}`;
    };
    assert.match(await reason(wrongTypeId), /^dead malformed: .*"wrongtype" is not a hash/);
    assert.match(await reason("badstatus"), /^dead malformed: .*unknown status "banana"/);
    assert.match(await reason("badname"), /^dead malformed: .*actor name "has space" is malformed/);
    assert.equal(await redis.get(`${base}:job:wrongtype`), "a string, not a hash", "left as found");

    await worker.stop();
    await running;
  } finally {
    await worker.stop({ graceMs: 0 });
    await producer.close();
    redis.disconnect();
    await cleanup(prefix);
  }
});
