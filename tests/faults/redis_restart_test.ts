/**
 * Scenario 2: Redis dies. A test-owned redis-server with `appendonly yes`
 * and `appendfsync always` is killed with SIGKILL while a producer enqueues
 * and two worker processes run jobs, and restarted on the same port a second
 * later. Nobody helps the workers or the producer: every job whose enqueue
 * returned is finished in the end, with its value, through `job.result`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { Repid } from "../../mod.ts";
import { deferred } from "../../src/core/sleep.ts";
import { RedisServer } from "../support/redis_server.ts";
import {
  awaitResults,
  describeJobs,
  describeProblems,
  type Enqueued,
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

const PORT = 6471;
const JOBS = 2_000;
/** How long Redis stays down: the fault, not a synchronisation. */
const DOWN_MS = 1_000;

test("faults: Redis killed and restarted mid-run loses no job whose enqueue returned", async () => {
  const prefix = "faults-redis-restart";
  const server = await RedisServer.start({ port: PORT, appendonly: true });
  const redis = new Redis(server.url, { connectionName: "fault-checker" });
  redis.on("error", () => {});
  const producer = new Repid(server.url, { prefix });
  const workers: WorkerProcess[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      workers.push(spawnWorker({ redisUrl: server.url, prefix, concurrency: 10, leaseMs: 1_000 }));
    }
    await Promise.all(workers.map((w) => w.loaded));
    const began = Date.now();

    // The producer enqueues 20 jobs every 25 ms, without waiting for earlier
    // calls: some are in flight when Redis dies, some are made while it is down.
    const returned: (Enqueued & { at: number })[] = [];
    const failed: unknown[] = [];
    const pending: Promise<void>[] = [];
    const killNow = deferred<void>();
    const producing = (async () => {
      for (let start = 0; start < JOBS; start += 20) {
        for (let n = start; n < start + 20; n++) {
          pending.push(
            producer.enqueueJob("fault_record", { args: [n, 20] }).then(
              (job) => void returned.push({ job, n, at: Date.now() }),
              (error) => void failed.push(error),
            ),
          );
        }
        if (returned.length >= JOBS * 0.4) killNow.resolve();
        await delay(25); // the producer's pace
      }
      await Promise.all(pending);
    })();

    await killNow.promise;
    const backlog = await redis.zcard(`${prefix}:{default}:active`) +
      Number(await redis.llen(`${prefix}:{default}:ready`));
    await server.kill("SIGKILL");
    const downAt = Date.now();
    await delay(DOWN_MS);
    await server.restart();
    const upAt = Date.now();
    await producing;

    const byId = await awaitResults(returned, AbortSignal.timeout(120_000));
    const elapsed = (Date.now() - began) / 1000;
    const ends = await stopWorkers(workers);
    const runs = await runsFromRedis(redis, prefix);
    const v = verify({
      jobs: returned,
      results: byId,
      runs,
      killed: new Set(),
      lostLeases: new Map(workers.map((w) => [w.pid, w.lostLeases])),
    });
    const dead = (await indexIds(redis, `${prefix}:{default}:dead`)).length;
    const firstDoneAfter = Math.min(
      ...[...byId.values()].map((r) => r?.finishedAt ?? Infinity).filter((t) => t >= upAt),
    );
    const firstEnqueueAfter = Math.min(...returned.map((e) => e.at).filter((t) => t >= upAt));
    const recover = Math.max(firstDoneAfter, firstEnqueueAfter) - upAt;
    console.log(summaryLine("redis-restart", {
      jobs: returned.length,
      lost: v.lost.length,
      duplicateRuns: v.duplicateRuns,
      deadLettered: dead,
      recover: Number.isFinite(recover) ? spread([recover]) : null,
      detail: `Redis down ${upAt - downAt} ms with ${backlog} jobs queued or running, ` +
        `${failed.length} enqueues failed; workers done again after ${firstDoneAfter - upAt} ms, ` +
        `producer after ${firstEnqueueAfter - upAt} ms; ${v.rerunJobs} jobs ran again after a ` +
        `lost lease, ${v.redelivered} redelivered; ${elapsed.toFixed(1)} s`,
    }));

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
    assert.equal(dead, 0, "no job was dead-lettered");
    assert.ok(Number.isFinite(firstDoneAfter), "jobs finished after the restart");
    assertWorkersEndedCleanly(workers, ends);
  } finally {
    await killWorkers(workers);
    await producer.close();
    redis.disconnect();
    await server.stop();
  }
});
