/**
 * Redis only: Redis out of memory (`maxmemory` reached under `noeviction`)
 * is a passing condition. Enqueues are refused with a typed error saying
 * what to do; a worker finishes the jobs it holds (acks, renewals and hand
 * backs run under OOM because they free memory or do not grow it), leases
 * nothing new until memory is freed, and no job runs twice or is
 * dead-lettered as stalled.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { type Job, Repid, StoreUnavailableError, Worker } from "../../mod.ts";
import { deferred } from "../../src/core/sleep.ts";
import { testPrefix } from "../support/redis.ts";
import { RedisServer } from "../support/redis_server.ts";
import { waitFor } from "../support/wait.ts";
import { indexIds } from "../support/finished_index.ts";

const PORT = 6510;
const LEASE_MS = 600;

describe("Redis out of memory", () => {
  let server: RedisServer;
  let admin: Redis;
  before(async () => {
    server = await RedisServer.start({ port: PORT });
    admin = new Redis(server.url);
    await admin.config("SET", "maxmemory-policy", "noeviction");
  });
  after(async () => {
    await admin.quit();
    await server.stop();
  });
  /** Redis runs out of memory: every write that may grow memory is refused. */
  const fillUp = () => admin.config("SET", "maxmemory", "1");
  /** Memory is freed (here: the limit is lifted). */
  const free = () => admin.config("SET", "maxmemory", "0");

  /** Asserts that `error` is the typed out-of-memory error of an enqueue. */
  function assertOutOfMemory(error: unknown): true {
    assert.ok(error instanceof StoreUnavailableError, `got ${error}`);
    assert.equal(error.condition, "out_of_memory");
    assert.match(error.message, /^Cannot enqueue job: the store is out of memory/);
    assert.match(error.message, /free memory .* or raise maxmemory, then retry/);
    assert.equal((error.cause as Error).name, "ReplyError");
    return true;
  }

  it("enqueueJob() rejects with StoreUnavailableError (out_of_memory), and works once memory is freed", async () => {
    const producer = new Repid(server.url, { prefix: testPrefix("oom-enqueue") });
    try {
      await fillUp();
      await assert.rejects(producer.enqueueJob("a", { args: [1] }), assertOutOfMemory);
      await free();
      const job = await producer.enqueueJob("a", { args: [1] });
      assert.equal((await job.info())?.status, "queued");
    } finally {
      await free();
      await producer.close();
    }
  });

  it("a worker finishes its running jobs through an OOM: none runs twice, none is dead-lettered, all results are stored", async () => {
    const prefix = testPrefix("oom-worker");
    const producer = new Repid(server.url, { prefix });
    const worker = new Worker(server.url, {
      prefix,
      concurrency: 4,
      leaseMs: LEASE_MS,
      maxStalls: 1,
      logger: "silent",
    });
    const runs = new Map<number, number>();
    let started = 0;
    let oom = false;
    let startedDuringOom = 0;
    const release = deferred<void>();
    worker.actor(async function slow(n: number) {
      runs.set(n, (runs.get(n) ?? 0) + 1);
      started++;
      if (oom) startedDuringOom++;
      await release.promise;
      return n * 10;
    });
    const running = worker.runForever({ handleSignals: false });
    try {
      const jobs: Job<unknown>[] = [];
      for (let n = 0; n < 8; n++) jobs.push(await producer.enqueueJob("slow", { args: [n] }));
      const results = Promise.all(jobs.map((j) => j.result));
      await waitFor("4 jobs running", () => started === 4);

      await fillUp();
      oom = true;
      await assert.rejects(producer.enqueueJob("slow", { args: [99] }), assertOutOfMemory);
      // The OOM lasts several lease periods: renewals must keep the running jobs' leases
      // (else, once memory is freed, any worker's fetch would reclaim them and run them again).
      await delay(3 * LEASE_MS);
      const [seconds] = await admin.time();
      const leases = await admin.zrange(`${prefix}:{default}:active`, 0, -1, "WITHSCORES");
      assert.equal(leases.length, 8, "4 jobs hold leases");
      for (let i = 1; i < leases.length; i += 2) {
        assert.ok(
          Number(leases[i]) > Number(seconds) * 1000,
          "each lease was renewed during the OOM",
        );
      }
      // The running jobs finish while Redis is still full: their acks land.
      release.resolve();
      const firstFour = await Promise.all(jobs.slice(0, 4).map((j) => j.result));
      assert.deepEqual(firstFour.map((r) => r.value), [0, 10, 20, 30]);
      // No new job is leased while Redis is full.
      await delay(3 * LEASE_MS);
      assert.equal(startedDuringOom, 0, "no job started while Redis was out of memory");

      await free();
      oom = false;
      const all = await results;
      assert.deepEqual(
        all.map((r) => [r.status, r.value]),
        [0, 1, 2, 3, 4, 5, 6, 7].map((n) => [
          "done",
          n * 10,
        ]),
      );
      assert.deepEqual([...runs.values()], [1, 1, 1, 1, 1, 1, 1, 1], "every job ran once");
      for (const job of jobs) {
        const info = await job.info();
        assert.equal(info?.status, "done");
        assert.equal(info?.deliveries, 1, `job ${job.id} was delivered once`);
      }
      const dead = (await indexIds(admin, `${prefix}:{default}:dead`)).length;
      assert.equal(dead, 0, "nothing was dead-lettered");
    } finally {
      release.resolve();
      await free();
      await worker.stop();
      await running;
      await producer.close();
    }
  });

  it("stop() during an OOM hands the running jobs back", async () => {
    const prefix = testPrefix("oom-stop");
    const producer = new Repid(server.url, { prefix });
    const worker = new Worker(server.url, { prefix, leaseMs: LEASE_MS, logger: "silent" });
    const startedJob = deferred<void>();
    worker.actor(async function waits() {
      startedJob.resolve();
      await new Promise(() => {});
    });
    const running = worker.runForever({ handleSignals: false });
    try {
      const job = await producer.enqueueJob("waits");
      await startedJob.promise;
      await fillUp();
      await worker.stop({ graceMs: 0 });
      await running;
      const info = await job.info();
      assert.equal(info?.status, "queued", "the job was handed back");
    } finally {
      await free();
      await worker.stop();
      await producer.close();
    }
  });
});
