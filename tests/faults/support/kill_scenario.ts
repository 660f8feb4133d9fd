/**
 * Fault suite support: the SIGKILL scenario, shared by the async actor
 * (scenario 1) and the sync actor on threads (scenario 6). Three worker
 * processes consume the jobs; every second the oldest one is killed with
 * SIGKILL and a new one started, until every job has its result.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { Repid } from "../../../mod.ts";
import { RedisServer } from "../../support/redis_server.ts";
import {
  awaitResults,
  describeJobs,
  describeProblems,
  enqueueMany,
  FinishedCounter,
  recoveryAfterKills,
  RESULT_TIMEOUT_MS,
  type Runs,
  runsFromFile,
  runsFromRedis,
  summaryLine,
  verify,
} from "./ledger.ts";
import { killWorkers, spawnWorker, stopWorkers, type WorkerProcess } from "./worker_process.ts";
import { indexIds } from "../../support/finished_index.ts";

/** How many jobs the kill scenarios run (`REPID_FAULT_JOBS` overrides, for development). */
export const KILL_JOBS = Number(process.env.REPID_FAULT_JOBS ?? 5_000);

/** Options of {@linkcode runKillScenario}. */
export interface KillScenario {
  /** The scenario's name in its summary line. */
  name: string;
  /** The port of its own redis-server. */
  port: number;
  /** The queue and actor of its jobs. */
  queue: string;
  actor: string;
  /** Arguments after `n` (the actor's work time in ms). */
  extra: unknown[];
  /** Where runs are recorded: the Redis hash (async actors) or a file (thread actor). */
  runs: "redis" | "file";
  /** Each worker's `--concurrency`. */
  concurrency: number;
  /** How many jobs. @default {KILL_JOBS} */
  jobs?: number;
}

/** Runs the scenario, prints its summary line and asserts that nothing was lost. */
export async function runKillScenario(s: KillScenario): Promise<void> {
  const total = s.jobs ?? KILL_JOBS;
  const prefix = `faults-${s.name}`;
  const server = await RedisServer.start({ port: s.port });
  const dir = mkdtempSync(join(tmpdir(), "repid-faults-"));
  const runsFile = join(dir, "runs.txt");
  const redis = new Redis(server.url, { connectionName: "fault-checker" });
  const producer = new Repid(server.url, { prefix });
  const all: WorkerProcess[] = [];
  let counter: FinishedCounter | undefined;
  try {
    counter = await FinishedCounter.start(redis, `${prefix}:{${s.queue}}:finished`);
    const began = Date.now();
    const jobs = await enqueueMany(producer, s.actor, total, s.extra, s.queue);

    const live: WorkerProcess[] = [];
    const spawnOne = () => {
      const w = spawnWorker({
        redisUrl: server.url,
        prefix,
        queues: [s.queue],
        concurrency: s.concurrency,
        // 2 s, not 1 s: on a loaded machine a worker starved of CPU for a second lost
        // the leases of the jobs it was running; a batch reclaimed from a killed worker
        // goes to the oldest survivor, the next to be killed, so a few such losses in a
        // row used up maxStalls (5) and dead-lettered jobs that had never failed.
        leaseMs: 2_000,
        env: { REPID_FAULT_RUNS_FILE: runsFile },
      });
      live.push(w);
      all.push(w);
    };
    for (let i = 0; i < 3; i++) spawnOne();

    const results = awaitResults(jobs, AbortSignal.timeout(RESULT_TIMEOUT_MS));
    let settled = false;
    void results.finally(() => (settled = true));
    const kills: { pid: number; at: number }[] = [];
    while (!settled) {
      await Promise.race([results, delay(1_000)]); // the fault schedule: one kill a second
      if (settled) break;
      const victim = live.shift()!;
      victim.signal("SIGKILL");
      kills.push({ pid: victim.pid, at: Date.now() });
      spawnOne();
      await victim.exited;
    }
    const byId = await results;
    const elapsed = (Date.now() - began) / 1000;
    const ends = await stopWorkers(live);
    await counter.settle();

    const runs: Runs = s.runs === "redis"
      ? await runsFromRedis(redis, prefix)
      : runsFromFile(runsFile);
    const killed = new Set(kills.map((k) => k.pid));
    const v = verify({
      jobs,
      results: byId,
      runs,
      killed,
      lostLeases: new Map(all.map((w) => [w.pid, w.lostLeases])),
      notifications: counter.counts,
    });
    const dead = (await indexIds(redis, `${prefix}:{${s.queue}}:dead`)).length;
    console.log(summaryLine(s.name, {
      jobs: total,
      lost: v.lost.length,
      duplicateRuns: v.duplicateRuns,
      deadLettered: dead,
      recover: recoveryAfterKills(kills, v, byId),
      detail: `${kills.length} workers killed, ${v.rerunJobs} jobs ran again: ` +
        `${v.onKilled} runs in flight on killed workers, ${v.onLostLease} after a lost lease; ` +
        `${v.redelivered} jobs redelivered; ${elapsed.toFixed(1)} s`,
    }));

    assert.deepEqual(
      v.lost,
      [],
      `lost jobs:\n${describeProblems(v)}\n${await describeJobs(
        redis,
        `${prefix}:{${s.queue}}`,
        v.lost,
      )}`,
    );
    assert.deepEqual(v.problems, [], describeProblems(v));
    assert.equal(dead, 0, "no job was dead-lettered");
    assert.ok(kills.length > 0, "at least one worker was killed while jobs ran");
    for (const [i, end] of ends.entries()) {
      assert.equal(
        end.code,
        0,
        `surviving worker ${live[i].pid} stopped gracefully (${JSON.stringify(end)}):\n${
          [...live[i].stdout, ...live[i].stderr].join("\n")
        }`,
      );
    }
    const errors = all.flatMap((w) => w.stderr.filter((l) => / ERROR /.test(l)));
    assert.deepEqual(errors, [], "no worker logged an error");
  } finally {
    await killWorkers(all);
    counter?.close();
    await producer.close();
    redis.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
