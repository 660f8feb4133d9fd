/**
 * How to test your own actors without Redis: `createTestEnv()` gives a worker
 * and a producer on a private in-memory store; `drain()` resolves once every
 * queued job (and every job those jobs enqueued) has finished.
 *
 * Run: deno test -A examples/testing_example_test.ts
 * (in your project, import from "@repid/repid/testing" and "@repid/repid").
 */
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTestEnv, type TestEnv } from "../testing.ts";
import * as actors from "./actors.ts";

describe("the example actors", () => {
  // A typed environment: the producer checks actor names and arguments.
  let env: TestEnv<typeof actors>;

  beforeEach(() => {
    env = createTestEnv<typeof actors>();
    for (const actor of Object.values(actors)) env.worker.actor(actor);
  });

  afterEach(async () => {
    await env.close();
  });

  it("string_length returns the length of its argument", async () => {
    const job = await env.producer.enqueueJob("string_length", { args: ["hello"] });
    await env.drain();
    const result = await job.getResult();
    assert.equal(result?.status, "done");
    assert.equal(result?.value, 5);
  });

  it("exceptional_actor(3) fails after its 3 retries, and other values pass", async () => {
    const bad = await env.producer.enqueueJob("exceptional_actor", { args: [3] });
    const good = await env.producer.enqueueJob("exceptional_actor", { args: [4] });
    await env.drain();
    const failed = await bad.getResult();
    assert.equal(failed?.status, "failed");
    assert.equal(failed?.attempts, 4);
    assert.equal(failed?.error?.message, "3 is not allowed");
    assert.equal((await good.getResult())?.value, 4);
  });

  it("hello_another_queue runs on its own queue", async () => {
    const job = await env.producer.enqueueJob(actors.hello_another_queue);
    assert.equal(job.queue, "myqueue");
    await env.drain();
    assert.equal((await job.getResult())?.value, "hi");
  });

  it("a deferred job waits for its time; drain({ until }) lets it run", async () => {
    const at = Date.now() + 300;
    const job = await env.producer.enqueueJob("happy_new_year", { deferUntil: at });
    await env.drain(); // only what is due now: the deferred job keeps waiting
    assert.equal(await job.status(), "deferred");
    await env.drain({ until: at });
    const result = await job.getResult();
    assert.equal(result?.value, "happy new year!");
    assert.ok(result!.startedAt! >= at);
  });

  it("a batch of jobs all finish before drain() resolves", async () => {
    const jobs = await Promise.all(
      Array.from({ length: 100 }, (_, i) => env.producer.enqueueJob("add", { args: [i, 1] })),
    );
    await env.drain();
    const values = await Promise.all(jobs.map(async (j) => (await j.getResult())?.value));
    assert.deepEqual(values, Array.from({ length: 100 }, (_, i) => i + 1));
  });
});

describe("an actor that enqueues more jobs", () => {
  it("drain() also waits for the jobs that jobs enqueued", async () => {
    const env = createTestEnv();
    const visited: string[] = [];
    env.worker.actor(async function crawl(url: string, depth: number) {
      visited.push(url);
      if (depth > 0) {
        for (const child of ["a", "b"]) {
          await env.producer.enqueueJob("crawl", { args: [`${url}/${child}`, depth - 1] });
        }
      }
    });
    try {
      await env.producer.enqueueJob("crawl", { args: ["root", 2] });
      await env.drain();
      assert.equal(visited.length, 7, "1 + 2 + 4 pages");
      assert.deepEqual(env.counts().queued, 0);
    } finally {
      await env.close();
    }
  });

  it("a job for an actor nobody registered is dead-lettered, not left waiting", async () => {
    const env = createTestEnv();
    env.worker.actor(async function known() {});
    try {
      const job = await env.producer.enqueueJob("typo_in_the_name");
      await env.drain();
      const result = await job.getResult();
      assert.equal(result?.status, "dead");
      assert.equal(result?.reason, "unknown_actor");
    } finally {
      await env.close();
    }
  });
});
