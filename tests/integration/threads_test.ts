/**
 * Sync actors on the worker's pool of threads, and timeouts that stop work
 * (issue 3). One worker with two threads serves most tests, since starting a
 * thread is slow; the shutdown tests need workers of their own.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  days,
  defineActor,
  type JobContext,
  type JobResult,
  Repid,
  Worker,
  WorkerShutdownError,
} from "../../mod.ts";
import { deferred } from "../../src/core/sleep.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { latch, waitFor } from "../support/wait.ts";
import { stopsBeating, underDeno } from "../support/heartbeat.ts";

// Literal URLs, so that the Node run of the tests (scripts/test_node.ts) maps them to .js.
const actorsModule = new URL("./fixtures/threads/actors.ts", import.meta.url);
const busyActor = defineActor<typeof import("./fixtures/threads/busy.ts").default>(
  new URL("./fixtures/threads/busy.ts", import.meta.url),
  { name: "busy" },
);

describe("Worker sync actors on threads", () => {
  const prefix = testPrefix("threads");
  const dir = mkdtempSync(join(tmpdir(), "repid-threads-"));
  let worker: Worker;
  let running: Promise<void>;
  let producer: Repid;
  const lateReturned = latch();
  const releaseLate = deferred<void>();
  let signalReason: unknown;

  before(() => {
    // Unusable modules registered on purpose: their jobs fail when they run.
    worker = new Worker(REDIS_URL, {
      prefix,
      threads: 2,
      concurrency: 40,
      logger: "silent",
      checkThreadActors: false,
    });
    worker.actor(busyActor);
    worker.actor(actorsModule, { export: "whoami" });
    worker.actor(actorsModule, { export: "echo" });
    worker.actor(actorsModule, { export: "echo", name: "echo_30_days", timeoutMs: days(30) });
    worker.actor(actorsModule, { export: "thrower" });
    worker.actor(actorsModule, { export: "crash" });
    worker.actor(actorsModule, { export: "nonJson", name: "non_json" });
    worker.actor(actorsModule, { export: "nothing" });
    worker.actor(actorsModule, { export: "spinForever", name: "spin" });
    worker.actor(actorsModule, { export: "spinForever", name: "spin_300", timeoutMs: 300 });
    worker.actor(actorsModule, {
      export: "spinForever",
      name: "spin_retry",
      timeoutMs: 300,
      retries: 1,
    });
    worker.actor(actorsModule, { export: "nope", name: "missing_export" });
    worker.actor(actorsModule, { export: "notAFunction", name: "not_a_function" });
    worker.actor(new URL("./fixtures/threads/no_such_module.ts", import.meta.url), {
      name: "missing_module",
    });
    worker.actor(new URL("./fixtures/threads/broken.ts", import.meta.url), { name: "broken" });
    worker.actor(async function async_now(): Promise<number> {
      await Promise.resolve();
      return Date.now();
    });
    worker.actor(async function async_ignores_signal(this: JobContext): Promise<string> {
      this.signal.addEventListener("abort", () => (signalReason = this.signal.reason));
      await releaseLate.promise; // ignores the signal on purpose
      lateReturned.open();
      return "late";
    }, { timeoutMs: 200 });
    worker.actor(async function async_flaky(this: JobContext): Promise<string> {
      if (this.attempt === 1) await new Promise(() => {}); // never settles
      return "second attempt";
    }, { timeoutMs: 200, retries: 1 });
    running = worker.runForever({ handleSignals: false });
    producer = new Repid(REDIS_URL, { prefix });
  });

  after(async () => {
    releaseLate.resolve();
    await worker.stop({ graceMs: 0 });
    await running;
    await producer.close();
    await cleanup(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (actor: string, args: unknown[] = [], timeoutMs?: number) => {
    const job = await producer.enqueueJob(actor, { args, timeoutMs });
    return { job, result: await job.waitResult({ timeoutMs: 60_000 }) };
  };

  it("`Worker` runs a busy sync actor off the event loop: 20 async jobs finish while it spins", async () => {
    const marker = join(dir, "busy-started");
    const busy = await producer.enqueueJob(busyActor, { args: [2_000, marker] });
    await waitFor("the busy job to start", () => existsSync(marker), { timeoutMs: 30_000 });
    const asyncJobs = await Promise.all(
      Array.from({ length: 20 }, () => producer.enqueueJob("async_now")),
    );
    const asyncResults = await Promise.all(asyncJobs.map((j) => j.result));
    const busyResult = await busy.waitResult({ timeoutMs: 60_000 });
    assert.equal(busyResult.success, true);
    const { start, end } = busyResult.value!;
    for (const r of asyncResults) {
      assert.equal(r.success, true);
      const ranAt = r.value as number;
      assert.ok(
        ranAt >= start && ranAt <= end,
        `async job ran at ${ranAt}, busy ran ${start}–${end}`,
      );
      assert.ok(r.finishedAt <= busyResult.finishedAt);
    }
  });

  it("`Worker` reuses at most `threads` threads and sync jobs wait for a free one", async () => {
    const jobs = await Promise.all(
      Array.from({ length: 8 }, () => producer.enqueueJob("whoami", { args: [100] })),
    );
    const results = await Promise.all(jobs.map((j) => j.waitResult({ timeoutMs: 60_000 })));
    const runs = results.map((r) => {
      assert.equal(r.success, true, JSON.stringify(r.error));
      return r.value as { instance: string; start: number; end: number };
    });
    const threads = new Set(runs.map((r) => r.instance));
    assert.ok(threads.size <= 2, `8 jobs used ${threads.size} threads`);
    // No instant has more than two runs going on: the others waited.
    for (const a of runs) {
      const overlapping = runs.filter((b) => b.start <= a.start && a.start < b.end);
      assert.ok(overlapping.length <= 2, `${overlapping.length} runs at once`);
    }
  });

  it("`Worker` fails the job of a crashed thread with a clear reason and replaces the thread", async () => {
    const { result } = await run("crash");
    assert.equal(result.status, "failed");
    assert.equal(result.error?.name, "ThreadCrashError");
    assert.match(result.error!.message, /crashed: TypeError: thread crashed on purpose/);
    const after = await run("whoami", [1]);
    assert.equal(after.result.success, true);
  });

  it("`Worker` terminates a sync actor past its `timeoutMs`, fails the job with TimeoutError and replaces its thread", async () => {
    const heartbeat = join(dir, "spin-300");
    const { result } = await run("spin_300", [heartbeat]);
    assert.equal(result.status, "failed");
    assert.equal(result.error?.name, "TimeoutError");
    assert.match(result.error!.message, /timed out after 300 ms/);
    assert.equal(result.attempts, 1);
    assert.equal(await stopsBeating(heartbeat), true, "the spinning thread was stopped");
    const next = await Promise.all([run("whoami", [1]), run("whoami", [1])]);
    for (const n of next) assert.equal(n.result.success, true);
  });

  it("`Worker` applies a job's own `timeoutMs` to a sync actor", async () => {
    const heartbeat = join(dir, "spin-job");
    const { result } = await run("spin", [heartbeat], 250);
    assert.equal(result.error?.name, "TimeoutError");
    assert.match(result.error!.message, /timed out after 250 ms/);
    assert.equal(await stopsBeating(heartbeat), true, "the spinning thread was stopped");
  });

  it("`Worker` keeps a sync actor's `timeoutMs` past the timer range (30 days)", async () => {
    const { result } = await run("echo_30_days", ["long"]);
    assert.equal(result.status, "done", JSON.stringify(result.error));
    assert.deepEqual((result.value as { args: unknown[] }).args, ["long"]);
    const byJob = (await run("echo", ["job"], days(60))).result;
    assert.equal(byJob.status, "done", JSON.stringify(byJob.error));
  });

  it("`Worker` retries a timed-out sync job when retries remain", async () => {
    const { result } = await run("spin_retry", [join(dir, "spin-retry"), 2]);
    assert.equal(result.success, true);
    assert.equal(result.value, "finished");
    assert.equal(result.attempts, 2);
    assert.deepEqual(result.errors.map((e) => e.name), ["TimeoutError"]);
  });

  it("`Worker` fails an async actor that ignores its signal at `timeoutMs` and discards its late value", async () => {
    const { job, result } = await run("async_ignores_signal");
    assert.equal(result.status, "failed");
    assert.equal(result.error?.name, "TimeoutError");
    assert.equal((signalReason as Error | undefined)?.name, "TimeoutError", "the signal fired");
    releaseLate.resolve();
    await lateReturned.opened;
    const later = await job.getResult();
    assert.equal(later?.status, "failed");
    assert.equal(later?.value, null);
  });

  it("`Worker` retries a timed-out async job when retries remain", async () => {
    const { result } = await run("async_flaky");
    assert.equal(result.success, true);
    assert.equal(result.value, "second attempt");
    assert.equal(result.attempts, 2);
    assert.deepEqual(result.errors.map((e) => e.name), ["TimeoutError"]);
  });

  it("`Worker` stores an error thrown in a thread with its name, message and stack", async () => {
    const { result } = await run("thrower", [42]);
    assert.equal(result.status, "failed");
    assert.equal(result.error?.name, "RangeError");
    assert.equal(result.error?.message, "bad value 42");
    assert.match(result.error!.stack!, /actors\.[jt]s:\d+/);
  });

  it("`Worker` fails jobs whose module does not load or lacks the export, and keeps running", async () => {
    const missing = (await run("missing_module")).result;
    assert.equal(missing.error?.name, "ActorLoadError");
    assert.match(missing.error!.message, /no_such_module\.[jt]s/);
    const broken = (await run("broken")).result;
    assert.equal(broken.error?.name, "ActorLoadError");
    assert.match(broken.error!.message, /broken\.[jt]s: Error: module failed on purpose/);
    const noExport = (await run("missing_export")).result;
    assert.equal(noExport.error?.name, "ActorLoadError");
    assert.match(noExport.error!.message, /has no export "nope" \(its functions are .*"whoami"/);
    const notFn = (await run("not_a_function")).result;
    assert.match(notFn.error!.message, /export "notAFunction" is a number, expected a function/);
    assert.equal((await run("whoami", [1])).result.success, true);
  });

  it("`Worker` passes JSON arguments and the job context to a sync actor and stores its JSON result", async () => {
    const args = [1, "two", { three: [3, null, true] }];
    const { job, result } = await run("echo", args);
    assert.equal(result.success, true);
    assert.deepEqual(result.value, {
      args,
      context: { jobId: job.id, queue: "default", actor: "echo", attempt: 1, deliveries: 1 },
    });
    const nothing = (await run("nothing")).result;
    assert.equal(nothing.success, true);
    assert.equal(nothing.value, null);
  });

  it("`Worker` passes arguments nested 10,000 deep to a sync actor and stores its result", async () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const { result } = await run("echo", [deep]);
    assert.equal(result.success, true, JSON.stringify(result.error));
    let v = (result.value as { args: unknown[] }).args[0];
    let depth = 0;
    while (Array.isArray(v)) {
      v = v[0];
      depth++;
    }
    assert.deepEqual([depth, v], [10_000, "leaf"]);
  });

  it("`Worker` refuses a non-JSON result of a sync actor", async () => {
    const { result } = await run("non_json");
    assert.equal(result.status, "failed");
    assert.equal(result.error?.name, "NonJsonResultError");
    assert.match(result.error!.message, /result is a Map instance/);
  });
});

describe("Worker.stop() with sync actors", () => {
  const prefix = testPrefix("threads-stop");
  const dir = mkdtempSync(join(tmpdir(), "repid-threads-stop-"));
  let producer: Repid;

  before(() => {
    producer = new Repid(REDIS_URL, { prefix });
  });
  after(async () => {
    await producer.close();
    await cleanup(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it("`Worker.stop()` waits for a running thread job that ends within the grace period", async () => {
    const worker = new Worker(REDIS_URL, { prefix, threads: 1, logger: "silent" });
    worker.actor(busyActor);
    const running = worker.runForever({ handleSignals: false });
    const marker = join(dir, "busy-started");
    const job = await producer.enqueueJob(busyActor, { args: [800, marker] });
    await waitFor("the busy job to start", () => existsSync(marker), { timeoutMs: 30_000 });
    await worker.stop({ graceMs: 30_000 });
    await running;
    const result: JobResult = (await job.getResult())!;
    assert.equal(result?.status, "done");
  });

  it("`Worker.stop()` stops thread jobs past the grace period, aborts async ones, and hands back their leases", async () => {
    const worker = new Worker(REDIS_URL, { prefix, threads: 1, logger: "silent" });
    worker.actor(busyActor);
    const aborted = deferred<unknown>();
    const started = latch();
    worker.actor(async function waits(this: JobContext): Promise<void> {
      started.open();
      this.signal.addEventListener("abort", () => aborted.resolve(this.signal.reason));
      await new Promise(() => {}); // ignores the signal on purpose
    });
    const running = worker.runForever({ handleSignals: false });
    const marker = join(dir, "long-busy-started");
    // Finite: Deno's terminate() cannot interrupt a busy loop (denoland/deno#35657),
    // so there the thread runs to the end of this call; Node stops it at once
    // (tests/integration/threads_node_test.ts).
    const busy = await producer.enqueueJob(busyActor, { args: [3_000, marker] });
    const waits = await producer.enqueueJob("waits");
    await waitFor("the thread job to start", () => existsSync(marker), { timeoutMs: 30_000 });
    await started.opened;
    await worker.stop({ graceMs: 200 });
    await running;
    const reason = await aborted.promise;
    assert.ok(reason instanceof WorkerShutdownError, `the abort reason is ${reason}`);
    assert.match(reason.message, /shutting down/);
    for (const job of [busy, waits]) {
      const info = await job.info();
      assert.equal(info?.status, "queued", `${job.actor} was handed back`);
      assert.equal(info?.deliveries, 1);
      assert.equal(info?.result, null);
    }
  });

  it("`Worker.stop()` terminates a busy sync job without `timeoutMs` past the grace period", {
    skip: underDeno &&
      "Deno's Worker.terminate() does not interrupt a busy loop (denoland/deno#35657)",
  }, async () => {
    const worker = new Worker(REDIS_URL, { prefix, threads: 1, logger: "silent" });
    worker.actor(actorsModule, { export: "spinForever", name: "spin" });
    const running = worker.runForever({ handleSignals: false });
    const heartbeat = join(dir, "spin-stop");
    const job = await producer.enqueueJob("spin", { args: [heartbeat] });
    await waitFor("the spinning job to start", () => existsSync(heartbeat), { timeoutMs: 30_000 });
    await worker.stop({ graceMs: 200 });
    await running;
    assert.equal(await stopsBeating(heartbeat), true, "the spinning thread was stopped");
    assert.equal((await job.info())?.status, "queued", "its lease was handed back");
  });
});
