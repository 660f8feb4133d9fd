/**
 * Semantics 4 over Redis: a job for an actor a worker lacks is put back
 * without a hot loop, keeps its delivery count, runs on a worker that has
 * the actor, and can be dead-lettered after a number of deliveries.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { Repid, Worker } from "../../mod.ts";
import { CommandRecorder, countByName } from "../support/command_recorder.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { RedisServer } from "../support/redis_server.ts";
import { waitFor } from "../support/wait.ts";

test("Worker: a worker lacking the actor puts the job back without a command flood; a worker with it runs it", async () => {
  const server = await RedisServer.start({ port: 6394 });
  const recorder = await CommandRecorder.start(server.port);
  const producer = new Repid(server.url);
  // Same queue, different actor: it takes the job and must hand it on.
  const lacking = new Worker(server.url, { logger: "silent" }); // unknownActorDelayMs: 1000
  lacking.actor(function other_actor(): void {});
  const having = new Worker(server.url, { logger: "silent" });
  having.actor(function known_actor(text: string): number {
    return text.length;
  });
  try {
    void lacking.runForever({ handleSignals: false });
    const job = await producer.enqueueJob("known_actor", { args: ["hello"] });
    await waitFor("the lacking worker to put the job back", async () => {
      const info = await job.info();
      return info && info.deliveries >= 1 && info.status !== "in_progress";
    }, { timeoutMs: 30_000 });

    const mark = recorder.mark();
    await delay(3_000); // the window the commands are counted over
    await recorder.flush();
    const sent = recorder.since(mark);
    assert.ok(
      sent.length <= 30,
      `a worker lacking the actor sent ${sent.length} commands in 3 s: ${
        JSON.stringify(countByName(sent))
      }`,
    );
    const held = (await job.info())!;
    assert.ok(held.deliveries >= 1, "the delivery count is kept on the job");
    assert.ok(held.deliveries <= 8, `the job was delivered ${held.deliveries} times in 3 s`);
    assert.notEqual(held.status, "done");

    void having.runForever({ handleSignals: false });
    const result = await job.waitResult({ timeoutMs: 30_000 });
    assert.equal(result.status, "done");
    assert.equal(result.value, 5);
    assert.ok(
      result.deliveries > held.deliveries,
      `deliveries ${result.deliveries} count the lacking worker's ${held.deliveries}`,
    );
  } finally {
    await Promise.all([lacking.stop({ graceMs: 0 }), having.stop({ graceMs: 0 })]);
    await producer.close();
    await recorder.stop();
    await server.stop();
  }
});

test("Worker: unknownActorLimit dead-letters a job no worker has the actor for, with reason unknown_actor", async () => {
  const prefix = testPrefix("unknown-limit");
  const producer = new Repid(REDIS_URL, { prefix });
  const worker = new Worker(REDIS_URL, {
    prefix,
    unknownActorLimit: 3,
    unknownActorDelayMs: 50,
    logger: "silent",
  });
  worker.actor(function other_actor(): void {});
  try {
    void worker.runForever({ handleSignals: false });
    const job = await producer.enqueueJob("nobody_has_me", { args: [1] });
    const result = await job.waitResult({ timeoutMs: 30_000 });
    assert.equal(result.status, "dead");
    assert.equal(result.success, false);
    assert.equal(result.reason, "unknown_actor");
    assert.equal(result.deliveries, 3);
    assert.equal(await job.status(), "dead");
  } finally {
    await worker.stop({ graceMs: 0 });
    await producer.close();
    await cleanup(prefix);
  }
});
