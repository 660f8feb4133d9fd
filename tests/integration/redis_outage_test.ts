/**
 * Semantics 12 over Redis: Redis goes away. A redis-server of the test's
 * own, persisting every write (appendonly yes, appendfsync always), is
 * killed mid-run and restarted on the same port and data directory.
 *
 * Documented behaviour under test: while Redis is down, `enqueueJob()` waits
 * (ioredis keeps the command in its offline queue and sends it once
 * reconnected); it rejects with `ConnectionError` only once ioredis gives up.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { type Job, type JobResult, Repid, Worker } from "../../mod.ts";
import { sleep } from "../../src/core/sleep.ts";
import { RedisServer } from "../support/redis_server.ts";
import { waitFor } from "../support/wait.ts";

test("Worker: after Redis is killed and restarted the worker resumes by itself, and no enqueued job is lost", async () => {
  const server = await RedisServer.start({ port: 6393, appendonly: true });
  // The worker gets a client of the test's, so the test can see it reconnect.
  const client = new Redis(server.url);
  client.on("error", () => {});
  const worker = new Worker(client, { concurrency: 4, leaseMs: 5_000, logger: "silent" });
  worker.actor(async function outage_probe(n: number): Promise<number> {
    await sleep(200);
    return n * 2;
  });
  const producer = new Repid(server.url); // opens and owns its client
  const errorLines: string[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void errorLines.push(args.map(String).join(" "));
  try {
    const jobs: Job[] = [];
    for (let i = 0; i < 20; i++) {
      jobs.push(await producer.enqueueJob("outage_probe", { args: [i] }));
    }
    void worker.runForever({ handleSignals: false });
    await waitFor("a first job to finish", async () => (await jobs[0].status()) === "done", {
      timeoutMs: 30_000,
    });
    const statuses = await Promise.all(jobs.map((j) => j.status()));
    assert.ok(
      statuses.filter((s) => s === "done").length < jobs.length,
      "Redis goes away while jobs are still queued or running",
    );

    await server.kill(); // SIGKILL: a crash, not a shutdown
    let restarting = false;
    const duringOutage = producer.enqueueJob("outage_probe", { args: [100] }).then((job) => {
      assert.ok(restarting, "enqueue returned while Redis was down");
      return job;
    });
    await waitFor("the worker's client to notice the outage", () => client.status !== "ready", {
      timeoutMs: 30_000,
    });
    restarting = true;
    await server.restart();
    jobs.push(await duringOutage);

    const results: JobResult[] = await Promise.all(
      jobs.map((j) => j.waitResult({ timeoutMs: 60_000 })),
    );
    for (const [i, r] of results.entries()) {
      assert.equal(r.status, "done", `job ${i}: ${JSON.stringify(r.error)}`);
    }
    assert.deepEqual(
      results.map((r) => r.value),
      [...Array.from({ length: 20 }, (_, i) => i * 2), 200],
    );
    assert.deepEqual(
      errorLines.filter((l) => l.includes("ioredis")),
      [],
      "the outage printed nothing on the console",
    );
  } finally {
    console.error = consoleError;
    await worker.stop({ graceMs: 0 });
    await producer.close();
    client.disconnect();
    await server.stop();
  }
});
