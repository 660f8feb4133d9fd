/**
 * Semantics 10 over Redis: an idle worker blocks in Redis instead of polling,
 * wakes when work arrives, and fetches several jobs per round trip. Each test
 * runs on a redis-server of its own, so the commands counted are the test's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { type JobResult, Repid, Worker } from "../../mod.ts";
import { fetchScript } from "../../src/backend/redis/scripts/fetch.ts";
import { withStoreFlags } from "../../src/backend/redis/script_flags.ts";
import { sleep } from "../../src/core/sleep.ts";
import { type CommandRecorder, countByName } from "../support/command_recorder.ts";
import { withRecordedServer } from "../support/recorded_server.ts";
import { waitFor } from "../support/wait.ts";

/** The fetch script as the backend sends it (with its store flag line). */
const FETCH_LUA = withStoreFlags(fetchScript).lua;
const FETCH_SHA = createHash("sha1").update(FETCH_LUA).digest("hex");

async function blocked(recorder: CommandRecorder): Promise<void> {
  await waitFor(
    "the worker to block in BLPOP",
    () => recorder.commands.some((c) => c.name === "blpop"),
    { timeoutMs: 30_000 },
  );
}

test("Worker: an idle worker sends few commands over 3 seconds (it blocks in Redis)", async () => {
  await withRecordedServer(6390, async (server, recorder) => {
    const worker = new Worker(server.url, { logger: "silent" }); // idleMs: default 5000
    worker.actor(function idle_probe(): string {
      return "ran";
    });
    try {
      void worker.runForever({ handleSignals: false });
      await blocked(recorder);
      const mark = recorder.mark();
      await delay(3_000); // the window the commands are counted over
      await recorder.flush();
      const sent = recorder.since(mark);
      assert.ok(
        sent.length <= 10,
        `an idle worker sent ${sent.length} commands in 3 s: ${JSON.stringify(countByName(sent))}`,
      );
      assert.equal(worker.runningCount, 0);
    } finally {
      await worker.stop({ graceMs: 0 });
    }
  });
});

test("Worker: an idle worker wakes when a job is enqueued, not when its idle wait ends", async () => {
  await withRecordedServer(6391, async (server, recorder) => {
    // The idle wait is longer than the test's guard: only the wake-up on
    // enqueue can finish the job in time.
    const worker = new Worker(server.url, { idleMs: 120_000, logger: "silent" });
    worker.actor(function idle_probe(): string {
      return "ran";
    });
    const producer = new Repid(server.url);
    try {
      void worker.runForever({ handleSignals: false });
      await blocked(recorder);
      const mark = recorder.mark();
      const job = await producer.enqueueJob("idle_probe");
      const result = await job.waitResult({ timeoutMs: 30_000 });
      assert.equal(result.status, "done");
      assert.equal(result.value, "ran");
      await recorder.flush();
      const sent = recorder.since(mark);
      assert.ok(
        sent.length <= 20,
        `enqueue, run and result took ${sent.length} commands: ${
          JSON.stringify(countByName(sent))
        }`,
      );
    } finally {
      await worker.stop({ graceMs: 0 });
      await producer.close();
    }
  });
});

test("Worker: a job enqueued on a drained queue wakes one fetch, not one per fetch loop", async () => {
  await withRecordedServer(6397, async (server, recorder) => {
    // concurrency 50: two fetch loops (lanes) share the queue
    const worker = new Worker(server.url, { concurrency: 50, logger: "silent" });
    worker.actor(function wake_probe(n: number): number {
      return n;
    });
    const producer = new Repid(server.url);
    try {
      void worker.runForever({ handleSignals: false });
      await blocked(recorder);
      for (let i = 0; i < 3; i++) {
        const mark = recorder.mark();
        const job = await producer.enqueueJob("wake_probe", { args: [i] });
        assert.equal((await job.waitResult({ timeoutMs: 30_000 })).value, i);
        // the worker blocks again once the queue is drained: its fetches are all sent
        await waitFor(
          "the worker to block again",
          () => recorder.since(mark).some((c) => c.name === "blpop"),
        );
        await recorder.flush();
        const fetches = recorder.since(mark).filter((c) =>
          (c.name === "evalsha" && c.args[0] === FETCH_SHA) ||
          (c.name === "eval" && c.args[0] === FETCH_LUA)
        );
        assert.equal(
          fetches.length,
          1,
          `job ${i}: ${fetches.length} fetches for one job: ${
            JSON.stringify(countByName(recorder.since(mark)))
          }`,
        );
      }
    } finally {
      await worker.stop({ graceMs: 0 });
      await producer.close();
    }
  });
});

test("Worker: with free slots a worker leases several jobs per fetch round trip", async () => {
  await withRecordedServer(6392, async (server, recorder) => {
    const producer = new Repid(server.url);
    const worker = new Worker(server.url, { concurrency: 10, logger: "silent" });
    let inFlight = 0;
    let maxInFlight = 0;
    worker.actor(async function batch_probe(n: number): Promise<number> {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await sleep(50);
      inFlight--;
      return n;
    });
    try {
      const jobs = [];
      for (let i = 0; i < 50; i++) {
        jobs.push(await producer.enqueueJob("batch_probe", { args: [i] }));
      }
      const mark = recorder.mark();
      void worker.runForever({ handleSignals: false });
      const results: JobResult[] = await Promise.all(
        jobs.map((j) => j.waitResult({ timeoutMs: 60_000 })),
      );
      assert.deepEqual(results.map((r) => r.value), jobs.map((_, i) => i));
      await recorder.flush();
      const fetches = recorder.since(mark).filter((c) =>
        (c.name === "evalsha" && c.args[0] === FETCH_SHA) ||
        (c.name === "eval" && c.args[0] === FETCH_LUA)
      );
      assert.ok(fetches.length >= 1, "the worker fetched through the fetch script");
      assert.ok(
        fetches.length <= 20,
        `50 jobs took ${fetches.length} fetch round trips with concurrency 10`,
      );
      assert.ok(maxInFlight <= 10, `${maxInFlight} jobs ran at once with concurrency 10`);
    } finally {
      await worker.stop({ graceMs: 0 });
      await producer.close();
    }
  });
});

test("Worker: an idle worker of 20 queues holds three connections (commands, wake-ups, cancel notices), not one per queue, and wakes on an enqueue", async () => {
  await withRecordedServer(6396, async (server, recorder) => {
    const worker = new Worker(server.url, { idleMs: 120_000, logger: "silent" });
    for (let q = 0; q < 20; q++) {
      worker.actor(async function many_probe(): Promise<number> {
        return await Promise.resolve(q);
      }, { name: `many_probe_${q}`, queue: `many_${q}` });
    }
    const producer = new Repid(server.url);
    try {
      void worker.runForever({ handleSignals: false });
      await waitFor(
        "the worker to subscribe to its queues' wake-ups",
        () => recorder.commands.filter((c) => c.name === "subscribe").length >= 20,
        { timeoutMs: 30_000 },
      );
      // Every queue fetched once and found empty: the worker idles.
      await waitFor(
        "a fetch of each of the 20 queues",
        () =>
          new Set(recorder.commands.filter((c) => c.name === "evalsha").map((c) => c.args[2]))
            .size >= 20,
        { timeoutMs: 30_000 },
      );
      // The recorder's MONITOR and INFO probe and this CLIENT LIST are the test's own; the producer has not connected.
      const workers = (await clientList(server.port)).split("\n")
        .filter((l) => l.includes("cmd=") && !/cmd=(monitor|info|client\|list)/.test(l));
      // commands; the wake-ups' subscriber; the subscriber of cancels (job.cancel())
      assert.equal(workers.length, 3, `${workers.length} connections:\n${workers.join("\n")}`);
      assert.equal(recorder.commands.filter((c) => c.name === "blpop").length, 0, "no BLPOP");
      const job = await producer.enqueueJob("many_probe_17", { queue: "many_17" });
      assert.equal((await job.waitResult({ timeoutMs: 20_000 })).value, 17);
    } finally {
      await worker.stop({ graceMs: 0 });
      await producer.close();
    }
  });
});

/** `CLIENT LIST` of the server on `port`. */
async function clientList(port: number): Promise<string> {
  const { Redis } = await import("ioredis");
  const r = new Redis({ port, host: "127.0.0.1" });
  try {
    return String(await r.call("CLIENT", "LIST"));
  } finally {
    r.disconnect();
  }
}
