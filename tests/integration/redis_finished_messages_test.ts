/**
 * Redis only: results announced on the finished channel. The jobs acked in
 * one call are announced in one message that carries their results (so a
 * waiting producer reads nothing), except results over 8 KiB, which the
 * producer reads. `onFinished` resolves only once the channel's subscription
 * is active, for every listener of a queue.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { Repid, Worker } from "../../mod.ts";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import { parseFinished } from "../../src/backend/redis/replies.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";

describe("Redis finished-channel messages", () => {
  it("`job.result` of jobs finishing together resolves with each value, small and large", async () => {
    const prefix = testPrefix("finished-messages");
    const worker = new Worker(REDIS_URL, { prefix, concurrency: 20, logger: "silent" });
    worker.actor(async function sized(n: number): Promise<string> {
      await Promise.resolve();
      return "x".repeat(n);
    });
    const running = worker.runForever({ handleSignals: false });
    const producer = new Repid(REDIS_URL, { prefix });
    try {
      const sizes = [1, 10, 20_000, 5, 9_000, 0, 100];
      const jobs = await producer.enqueueJobs(sizes.map((n) => ({ actor: "sized", args: [n] })));
      const results = await Promise.all(jobs.map((j) => j.waitResult({ timeoutMs: 10_000 })));
      assert.deepEqual(results.map((r) => (r.value as string).length), sizes);
      for (const [i, r] of results.entries()) {
        assert.equal(r.id, jobs[i].id);
        assert.equal(r.status, "done");
        assert.equal(r.actor, "sized");
        assert.equal(r.attempts, 1);
        assert.equal(r.deliveries, 1);
        assert.ok(r.startedAt !== null && r.finishedAt >= r.startedAt);
      }
    } finally {
      await worker.stop();
      await running;
      await producer.close();
      await cleanup(prefix);
    }
  });

  it("`parseFinished()` reads one id, and 11-line records with or without their result", () => {
    assert.deepEqual(parseFinished("q", "job-1"), [{ id: "job-1" }]);
    const record = (id: string, value: string) =>
      [id, "act", "done", value, "", "[]", "1", "1", "100", "110", "120"].join("\n");
    const big = ["job-3", "", "", "", "", "", "", "", "", "", ""].join("\n");
    const out = parseFinished(
      "q",
      [record("job-1", "42"), big, record("job-2", '"hi"')].join("\n"),
    );
    assert.deepEqual(out.map((o) => o.id), ["job-1", "job-3", "job-2"]);
    assert.equal(out[0].info?.result?.value, 42);
    assert.equal(out[0].info?.result?.startedAt, 110);
    assert.equal(out[0].info?.result?.finishedAt, 120);
    assert.equal(out[1].info, undefined, "a result not carried is read by the producer");
    assert.equal(out[2].info?.result?.value, "hi");
  });

  it("`job.result` ignores a late message about an earlier job with the same custom id", async () => {
    const prefix = testPrefix("finished-stale");
    const producer = new Repid(REDIS_URL, { prefix });
    const redis = new Redis(REDIS_URL);
    const worker = new Worker(REDIS_URL, { prefix, logger: "silent" });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    worker.actor(async function gated(n: number): Promise<number> {
      await gate;
      return n;
    });
    const running = worker.runForever({ handleSignals: false });
    try {
      const job = await producer.enqueueJob("gated", { args: [3], jobId: "report-42" });
      assert.ok(job.enqueuedAt > 0);
      const waiting = job.waitResult({ timeoutMs: 20_000 });
      await waitUntilSubscribed(redis, `${prefix}:{default}:finished`);
      // The announcement of an earlier "report-42" (enqueued before this one), arriving late.
      const stale = ["report-42", "gated", "done", "1", "", "[]", "1", "1"];
      stale.push(
        String(job.enqueuedAt - 1000),
        String(job.enqueuedAt - 900),
        String(job.enqueuedAt - 800),
      );
      await redis.publish(`${prefix}:{default}:finished`, stale.join("\n"));
      release();
      assert.equal((await waiting).value, 3);
    } finally {
      release();
      await worker.stop();
      await running;
      await producer.close();
      await redis.quit();
      await cleanup(prefix);
    }
  });

  it("`onFinished` resolves for every listener only once the subscription is active", async () => {
    const prefix = testPrefix("finished-subscribe");
    const backend = new RedisBackend(REDIS_URL, { prefix });
    try {
      const order: string[] = [];
      const first = backend.onFinished("sub", () => {}).then((off) => {
        order.push("first");
        return off;
      });
      const second = backend.onFinished("sub", () => {}).then((off) => {
        order.push("second");
        return off;
      });
      const offs = await Promise.all([first, second]);
      assert.deepEqual(
        order,
        ["first", "second"],
        "the second listener did not wait for SUBSCRIBE",
      );
      for (const off of offs) await off();
    } finally {
      await backend.close();
    }
  });
});

async function waitUntilSubscribed(redis: Redis, channel: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const [, count] = (await redis.pubsub("NUMSUB", channel)) as [string, number];
    if (Number(count) > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`nobody subscribed to ${channel}`);
}
