// deno-lint-ignore-file require-await -- actors are async functions, as in the guide
/**
 * Redis only: foreign or malformed entries written straight into a queue's
 * keys are dead-lettered with their reason while the worker keeps running;
 * stored fields that are valid JSON of the wrong type (errors that are not
 * an array, options that are not an object, option values that are not
 * durations) do not derail the job.
 * (The in-memory backend has no raw keys a foreign writer could touch.)
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { Repid, Worker } from "../../mod.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { waitFor } from "../support/wait.ts";
import { indexIds } from "../support/finished_index.ts";

describe("Worker with malformed queue entries (redis)", () => {
  const prefix = testPrefix("malformed");
  const base = `${prefix}:{default}`;
  let redis: Redis;
  before(() => {
    redis = new Redis(REDIS_URL);
  });
  after(async () => {
    await redis.quit();
    await cleanup(prefix);
  });

  it("dead-letters bad entries with a reason and runs the good jobs", async () => {
    const producer = new Repid(REDIS_URL, { prefix });
    const worker = new Worker(REDIS_URL, { prefix, logger: "silent", concurrency: 3 });
    let runs = 0;
    worker.actor(async function good(n: number) {
      runs++;
      return n * 2;
    });
    const good = [];
    for (let i = 0; i < 5; i++) good.push(await producer.enqueueJob("good", { args: [i] }));
    // Foreign entries: an id with no job data, an oversized entry, a job with broken JSON
    // arguments, one whose arguments are not an array, and one lacking its actor.
    await redis.rpush(`${base}:ready`, "no-such-job", "x".repeat(100_000));
    await redis.hset(`${base}:job:badjson`, { status: "queued", actor: "good", args: "[1," });
    await redis.hset(`${base}:job:notarray`, { status: "queued", actor: "good", args: '{"a":1}' });
    await redis.hset(`${base}:job:noactor`, { status: "queued", args: "[]" });
    await redis.rpush(`${base}:ready`, "badjson", "notarray", "noactor");
    for (let i = 5; i < 10; i++) good.push(await producer.enqueueJob("good", { args: [i] }));
    const running = worker.runForever({ handleSignals: false });

    const results = await Promise.all(good.map((j) => j.result));
    assert.deepEqual(results.map((r) => r.value), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    assert.equal(runs, 10);

    const dead = await waitFor("5 dead letters", async () => {
      const ids = await indexIds(redis, `${base}:dead`);
      return ids.length === 5 ? ids : null;
    });
    const reasons: Record<string, string> = {};
    for (const id of dead) {
      const h = await redis.hgetall(`${base}:job:${id}`);
      assert.equal(h.status, "dead");
      reasons[id.startsWith("malformed:") ? "oversized" : id] = `${h.reason}: ${h.error}`;
    }
    assert.match(reasons["no-such-job"], /^malformed: .*has no job data/);
    assert.match(reasons["oversized"], /^malformed: .*100000 bytes long/);
    assert.match(reasons["badjson"], /^malformed: .*not valid JSON/);
    assert.match(reasons["notarray"], /^malformed: .*not a JSON array/);
    assert.match(reasons["noactor"], /^malformed: .*lacks its actor/);

    const info = await (await producer.getJob("badjson"))?.info();
    assert.equal(info?.status, "dead");
    assert.equal(info?.result?.reason, "malformed");

    // The worker is still running: a new job after the garbage still runs.
    const after = await producer.enqueueJob("good", { args: [21] });
    assert.equal((await after.result).value, 42);
    await worker.stop();
    await running;
    await producer.close();
  });

  it("runs jobs whose stored errors or options are JSON of the wrong type", async () => {
    const fields = { status: "queued", actor: "double", deliveries: "0", attempts: "0" };
    const jobs: Record<string, Record<string, string>> = {
      "errors-object": { ...fields, args: "[1]", errors: "{}" },
      "errors-number": { ...fields, args: "[2]", errors: "7", opts: "[1,2]" },
      "opts-null": { ...fields, args: "[3]", opts: "null" },
      "opts-bad-values": {
        ...fields,
        args: "[4]",
        opts: '{"resultTtlMs":"soon","timeoutMs":"x","schedule":5}',
      },
    };
    for (const [id, h] of Object.entries(jobs)) {
      await redis.hset(`${base}:job:${id}`, { ...h, enq: String(Date.now()) });
      await redis.rpush(`${base}:ready`, id);
    }
    const worker = new Worker(REDIS_URL, { prefix, logger: "silent", leaseMs: 1_000 });
    worker.actor(async function double(n: number) {
      await new Promise((r) => setTimeout(r, 5));
      return n * 2;
    });
    const running = worker.runForever({ handleSignals: false });
    const producer = new Repid(REDIS_URL, { prefix, recheckMs: 60_000 });
    try {
      for (const [id, h] of Object.entries(jobs)) {
        const job = await producer.getJob(id);
        const result = await job!.waitResult({ timeoutMs: 10_000 });
        assert.equal(result.status, "done", `${id}: ${JSON.stringify(result.error)}`);
        assert.equal(result.value, (JSON.parse(h.args) as number[])[0] * 2);
        assert.ok((await redis.pttl(`${base}:job:${id}`)) > 0, `${id}: the result expires`);
      }
    } finally {
      await worker.stop();
      await running;
      await producer.close();
    }
  });
});
