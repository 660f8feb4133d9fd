/**
 * Scenario 7: long Redis outages. A test-owned redis-server (appendonly) is
 * killed and restarted after 1 s, 10 s and 60 s, while one worker process
 * idles (its queue is empty, it waits on the store for work) and another is
 * busy (jobs running and queued). After each outage a new job on each worker
 * runs within a few seconds, and every job whose enqueue returned finishes
 * with its value. At the end Redis is killed once more and both workers are
 * sent SIGTERM: each exits within its `--grace-ms` plus the bounded hand-back
 * margin, leaving what it cannot hand back to its leases (and saying so).
 *
 * Issue 11, point 1: before the fix, an idle worker never fetched again after
 * an outage of more than a few seconds, and stop() then hung.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { type Job, Repid } from "../../mod.ts";
import { RedisServer } from "../support/redis_server.ts";
import {
  awaitResults,
  describeProblems,
  type Enqueued,
  enqueueMany,
  runsFromRedis,
  spread,
  summaryLine,
  verify,
} from "./support/ledger.ts";
import { killWorkers, spawnWorker, type WorkerProcess } from "./support/worker_process.ts";

const PORT = 6476;
/** The outages, in ms: the fault, not a synchronisation. */
const OUTAGES = (process.env.REPID_FAULT_OUTAGES ?? "1000,10000,60000").split(",").map(Number);
/** How long a new job may take to run once Redis is back ("a few seconds"), with room for a loaded CI machine. */
const RECOVERY_LIMIT_MS = 30_000;
const GRACE_MS = 3_000;
/** The worker's bounded wait past `graceMs` for hand-back and acks, and for closing (see worker.ts). */
const STOP_MARGIN_MS = 2 * 2_000;

import process from "node:process";
import { indexIds } from "../support/finished_index.ts";

test("faults: idle and busy workers run new jobs within seconds after Redis outages of 1 s, 10 s and 60 s, and stop within graceMs while Redis is down", async () => {
  const idlePrefix = "faults-outage-idle";
  const busyPrefix = "faults-outage-busy";
  const server = await RedisServer.start({ port: PORT, appendonly: true });
  const redis = new Redis(server.url, { connectionName: "fault-checker" });
  redis.on("error", () => {});
  const idleProducer = new Repid(server.url, { prefix: idlePrefix });
  const busyProducer = new Repid(server.url, { prefix: busyPrefix });
  const workers: WorkerProcess[] = [];
  try {
    const idle = spawnWorker({ redisUrl: server.url, prefix: idlePrefix, graceMs: GRACE_MS });
    const busy = spawnWorker({
      redisUrl: server.url,
      prefix: busyPrefix,
      concurrency: 10,
      graceMs: GRACE_MS,
    });
    workers.push(idle, busy);
    await Promise.all(workers.map((w) => w.loaded));
    // Both workers are up and fetching before the first outage.
    for (const p of [idleProducer, busyProducer]) {
      const first = await p.enqueueJob("fault_record", { args: [0, 0] });
      assert.equal((await first.waitResult({ timeoutMs: 30_000 })).status, "done");
    }

    const busyJobs: Enqueued[] = [];
    const probes: Enqueued[] = [];
    const recoveries: { outage: number; idle: number; busy: number }[] = [];
    let next = 1;
    for (const outage of OUTAGES) {
      // The busy worker has jobs running and queued when Redis dies: 10 at a
      // time for 100 ms each, so about 2 s of work.
      const batch = await enqueueMany(busyProducer, "fault_record", 200, [100], "default", next);
      next += 200;
      busyJobs.push(...batch);
      await waitUntilRunning(redis, busyPrefix);

      await server.kill("SIGKILL");
      await delay(outage);
      await server.restart();
      const upAt = Date.now();

      const probe = async (producer: Repid): Promise<number> => {
        const n = next++;
        const job: Job = await producer.enqueueJob("fault_record", { args: [n, 0] });
        probes.push({ job, n });
        const result = await job.waitResult({ timeoutMs: RECOVERY_LIMIT_MS });
        assert.equal(result.status, "done", `the probe after a ${outage} ms outage ran`);
        return Date.now() - upAt;
      };
      const [idleMs, busyMs] = await Promise.all([probe(idleProducer), probe(busyProducer)]);
      recoveries.push({ outage, idle: idleMs, busy: busyMs });
    }

    const results = await awaitResults([...busyJobs, ...probes], AbortSignal.timeout(120_000));
    const runs = new Map([
      ...await runsFromRedis(redis, busyPrefix),
      ...await runsFromRedis(redis, idlePrefix),
    ]);
    const v = verify({
      jobs: [...busyJobs, ...probes],
      results,
      runs,
      killed: new Set(),
      lostLeases: new Map(workers.map((w) => [w.pid, w.lostLeases])),
    });
    const dead = (await indexIds(redis, `${busyPrefix}:{default}:dead`)).length;

    // Redis goes away for good while the busy worker runs jobs: SIGTERM must
    // end both workers within their grace period plus the bounded margin.
    const last = await enqueueMany(busyProducer, "fault_record", 100, [200], "default", next);
    await waitUntilRunning(redis, busyPrefix);
    await server.kill("SIGKILL");
    const sentAt = Date.now();
    for (const w of workers) w.signal("SIGTERM");
    const limit = GRACE_MS + STOP_MARGIN_MS + 5_000;
    const timer = setTimeout(() => {
      for (const w of workers) w.signal("SIGKILL");
    }, limit);
    const ends = await Promise.all(workers.map(async (w) => {
      const end = await w.exited;
      return { ...end, ms: Date.now() - sentAt };
    }));
    clearTimeout(timer);

    console.log(summaryLine("redis-outage", {
      jobs: busyJobs.length + probes.length,
      lost: v.lost.length,
      duplicateRuns: v.duplicateRuns,
      deadLettered: dead,
      recover: spread(recoveries.flatMap((r) => [r.idle, r.busy])),
      detail: recoveries.map((r) =>
        `down ${r.outage / 1000} s: idle worker ran a new job ${r.idle} ms after the restart, ` +
        `busy worker ${r.busy} ms`
      ).join("; ") +
        `; SIGTERM with Redis down (--grace-ms ${GRACE_MS}): idle exited in ${ends[0].ms} ms, ` +
        `busy in ${ends[1].ms} ms, ${last.length} jobs left to their leases`,
    }));

    assert.deepEqual(v.lost, [], `lost jobs:\n${describeProblems(v)}`);
    assert.deepEqual(v.problems, [], describeProblems(v));
    assert.equal(dead, 0, "no job was dead-lettered");
    for (const [i, end] of ends.entries()) {
      assert.equal(
        end.code,
        0,
        `worker ${workers[i].pid} stopped gracefully on SIGTERM while Redis was down ` +
          `(ended with ${end.signal ?? end.code} after ${end.ms} ms)`,
      );
    }
    assert.ok(
      busy.stderr.some((l) =>
        /left to (its|their) lease|expire by themselves|run again once their leases expire/.test(l)
      ),
      `the busy worker said what it could not hand back:\n${busy.stderr.slice(-10).join("\n")}`,
    );
  } finally {
    await killWorkers(workers);
    await idleProducer.close();
    await busyProducer.close();
    redis.disconnect();
    await server.stop();
  }
});

/** Waits until the busy worker holds leases (jobs are running). */
async function waitUntilRunning(redis: Redis, prefix: string): Promise<void> {
  const giveUp = Date.now() + 30_000;
  while ((await redis.zcard(`${prefix}:{default}:active`)) === 0) {
    if (Date.now() > giveUp) throw new Error("the busy worker never leased a job");
    await delay(20);
  }
}
