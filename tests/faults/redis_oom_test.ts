/**
 * Scenario 8: Redis out of memory. A test-owned redis-server with
 * `maxmemory-policy noeviction` and a `maxmemory` a few MB above its empty
 * size fills up with queued jobs (4 KB of arguments each) from a producer
 * that offers about twice what two worker processes run; midway, memory is
 * cut off entirely (`maxmemory 1`) for several lease periods, then given
 * back, with room to spare. Each refused enqueue must be a `StoreUnavailableError` whose
 * condition is `out_of_memory`; every job whose enqueue returned finishes
 * once, with its value: none runs twice, none is dead-lettered as stalled.
 * The actors record their runs on a second redis-server, which stays
 * writable.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { Repid, StoreUnavailableError } from "../../mod.ts";
import { RedisServer } from "../support/redis_server.ts";
import {
  awaitResults,
  describeJobs,
  describeProblems,
  type Enqueued,
  RESULT_TIMEOUT_MS,
  runsFromRedis,
  spread,
  summaryLine,
  verify,
} from "./support/ledger.ts";
import {
  assertWorkersEndedCleanly,
  killWorkers,
  spawnWorker,
  stopWorkers,
  type WorkerProcess,
} from "./support/worker_process.ts";
import { indexIds } from "../support/finished_index.ts";

const PORT = 6477;
const LEDGER_PORT = 6478;
/** Enqueue attempts: 10 every 25 ms (about 400/s, twice what the workers run). */
const ATTEMPTS = 4_000;
/** Room for queued jobs above the empty server's memory. */
const ROOM_BYTES = 3_000_000;
/** Arguments that make a queued job take memory until its ack drops them. */
const PAD = "x".repeat(4_000);
/** What is added to the limit when memory is given back. */
const GIVEN_BACK_BYTES = 64_000_000;
/** How long memory is cut off entirely: the fault, not a synchronisation. */
const FULL_MS = 5_000;

test("faults: Redis out of memory refuses enqueues with a typed error, and no accepted job is lost, run twice or dead-lettered", async () => {
  const prefix = "faults-redis-oom";
  const server = await RedisServer.start({ port: PORT });
  const ledger = await RedisServer.start({ port: LEDGER_PORT });
  const redis = new Redis(server.url, { connectionName: "fault-checker" });
  const runsDb = new Redis(ledger.url, { connectionName: "fault-checker" });
  const producer = new Repid(server.url, { prefix });
  const workers: WorkerProcess[] = [];
  try {
    await redis.config("SET", "maxmemory-policy", "noeviction");
    const info = await redis.info("memory");
    const limit = String(Number(/used_memory:(\d+)/.exec(info)![1]) + ROOM_BYTES);
    await redis.config("SET", "maxmemory", limit);
    for (let i = 0; i < 2; i++) {
      workers.push(spawnWorker({
        redisUrl: server.url,
        prefix,
        concurrency: 10,
        leaseMs: 1_000,
        env: { REPID_FAULT_REDIS_URL: ledger.url },
      }));
    }
    await Promise.all(workers.map((w) => w.loaded));
    const began = Date.now();

    const returned: (Enqueued & { at: number })[] = [];
    const refused: unknown[] = [];
    const pending: Promise<void>[] = [];
    let cutAt = 0;
    let backAt = 0;
    const producing = (async () => {
      for (let start = 0; start < ATTEMPTS; start += 10) {
        for (let n = start; n < start + 10; n++) {
          pending.push(
            producer.enqueueJob("fault_record", { args: [n, 100, PAD] }).then(
              (job) => void returned.push({ job, n, at: Date.now() }),
              (error) => void refused.push(error),
            ),
          );
        }
        await delay(25); // the producer's pace
      }
      await Promise.all(pending);
    })();
    const cutting = (async () => {
      await delay(4_000); // the scenario's timeline: the producer has filled Redis by then
      await redis.config("SET", "maxmemory", "1");
      cutAt = Date.now();
      await delay(FULL_MS);
      // Memory given back with room to spare: a finished job keeps its arguments (for
      // listings and requeue) until its record expires or retention trims it, so the
      // acks no longer free what the queued jobs took.
      await redis.config("SET", "maxmemory", String(Number(limit) + GIVEN_BACK_BYTES));
      backAt = Date.now();
    })();
    await Promise.all([producing, cutting]);

    const byId = await awaitResults(returned, AbortSignal.timeout(RESULT_TIMEOUT_MS));
    const elapsed = (Date.now() - began) / 1000;
    const ends = await stopWorkers(workers);
    const runs = await runsFromRedis(runsDb, prefix);
    const v = verify({
      jobs: returned,
      results: byId,
      runs,
      killed: new Set(),
      lostLeases: new Map(workers.map((w) => [w.pid, w.lostLeases])),
    });
    const dead = (await indexIds(redis, `${prefix}:{default}:dead`)).length;
    const untyped = refused.filter((e) =>
      !(e instanceof StoreUnavailableError && e.condition === "out_of_memory")
    );
    const cutRefused = returned.filter((e) => e.at > cutAt && e.at < backAt).length;
    const firstDoneAfter = Math.min(
      ...[...byId.values()].map((r) => r?.finishedAt ?? Infinity).filter((t) => t >= backAt),
    );
    const firstEnqueueAfter = Math.min(...returned.map((e) => e.at).filter((t) => t >= backAt));
    const recover = Math.max(firstDoneAfter, firstEnqueueAfter) - backAt;
    console.log(summaryLine("redis-oom", {
      jobs: returned.length,
      lost: v.lost.length,
      duplicateRuns: v.duplicateRuns,
      deadLettered: dead,
      recover: Number.isFinite(recover) ? spread([recover]) : null,
      detail: `${ATTEMPTS} enqueues offered, ${returned.length} accepted, ${refused.length} ` +
        `refused (${refused.length - untyped.length} as StoreUnavailableError out_of_memory); ` +
        `memory cut off for ${backAt - cutAt} ms, ${cutRefused} enqueues accepted meanwhile; ` +
        `workers done again after ${firstDoneAfter - backAt} ms, producer after ` +
        `${firstEnqueueAfter - backAt} ms; ${v.redelivered} redelivered; ${elapsed.toFixed(1)} s`,
    }));

    assert.ok(refused.length > 0, "Redis ran out of memory");
    assert.deepEqual(untyped.map(String), [], "every refused enqueue had the typed error");
    assert.equal(cutRefused, 0, "no enqueue was accepted while memory was cut off");
    assert.deepEqual(
      v.lost,
      [],
      `lost jobs:\n${describeProblems(v)}\n${await describeJobs(
        redis,
        `${prefix}:{default}`,
        v.lost,
      )}`,
    );
    assert.deepEqual(v.problems, [], describeProblems(v));
    assert.equal(v.duplicateRuns, 0, "no job ran twice");
    assert.equal(v.redelivered, 0, "no job was delivered twice");
    assert.equal(dead, 0, "no job was dead-lettered");
    assertWorkersEndedCleanly(workers, ends);
  } finally {
    await killWorkers(workers);
    await producer.close();
    redis.disconnect();
    runsDb.disconnect();
    await server.stop();
    await ledger.stop();
  }
});
