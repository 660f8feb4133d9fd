/**
 * `createTestEnv()` (the "./testing" entry): drain semantics on the
 * in-memory store, and its errors. Memory only: the helper exists to test
 * actors without a Redis server.
 */
// Actors are async functions even when they have nothing to await.
// deno-lint-ignore-file require-await
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTestEnv, DrainError } from "../../testing.ts";

describe("TestEnv", () => {
  it("`TestEnv.drain()` resolves at once when nothing was enqueued", async () => {
    const env = createTestEnv();
    env.worker.actor(async function idle() {});
    await env.drain();
    assert.deepEqual(env.counts(), {
      queued: 0,
      deferred: 0,
      due: 0,
      inProgress: 0,
      nextDueAt: null,
    });
    await env.close();
  });

  it("`TestEnv.drain()` rejects at once for a queue no actor takes, naming it", async () => {
    const env = createTestEnv();
    env.worker.actor(async function here() {});
    await env.producer.enqueueJob("elsewhere", { queue: "nobody-reads-me" });
    await assert.rejects(
      env.drain(),
      (e: Error) => e instanceof DrainError && /"nobody-reads-me"/.test(e.message),
    );
    await env.close();
  });

  it("`TestEnv.drain()` rejects after `timeoutMs`, saying what is left", async () => {
    const env = createTestEnv();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    env.worker.actor(async function stuck() {
      await gate;
    });
    await env.producer.enqueueJob("stuck");
    await assert.rejects(
      env.drain({ timeoutMs: 100 }),
      (e: Error) => e instanceof DrainError && /1 in progress/.test(e.message),
    );
    release();
    await env.drain();
    await env.close();
    await assert.rejects(env.drain(), DrainError);
  });

  it("`TestEnv.drain({ until })` lets a recurring job tick until that time", async () => {
    const env = createTestEnv();
    const ticks: number[] = [];
    env.worker.actor(async function tick() {
      ticks.push(Date.now());
    });
    const start = Date.now();
    const schedule = await env.producer.enqueueJob("tick", { deferBy: 1_000 });
    const first = (await schedule.info())!.nextRunAt!;
    await env.drain({ until: first + 1_000 });
    assert.equal(ticks.length, 2, "two occurrences fell within the window");
    assert.ok(ticks[0] >= start + 1_000 - 50);
    assert.equal(env.counts().deferred, 1, "the next occurrence is pending");
    assert.equal((await schedule.info())?.nextRunAt, first + 2_000);
    await env.close();
  });

  it("`TestEnv.drain()` refuses a bad `until` or `timeoutMs`", async () => {
    const env = createTestEnv();
    await assert.rejects(env.drain({ until: NaN }), RangeError);
    await assert.rejects(env.drain({ timeoutMs: -1 }), RangeError);
    await env.close();
  });
});
