/**
 * Scenario 5: cut connections. Three worker processes run 5 000 jobs while
 * every 300 ms every connection of theirs (commands, blocking reads, the
 * actors' own) is closed by Redis with CLIENT KILL. The invariants of
 * scenario 1 hold: one stored result per job, nothing lost, and a job runs
 * again only after its worker reported its lease lost.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { Repid } from "../../mod.ts";
import { RedisServer } from "../support/redis_server.ts";
import {
  awaitResults,
  describeJobs,
  describeProblems,
  enqueueMany,
  FinishedCounter,
  RESULT_TIMEOUT_MS,
  runsFromRedis,
  spread,
  summaryLine,
  verify,
} from "./support/ledger.ts";
import { KILL_JOBS } from "./support/kill_scenario.ts";
import {
  assertWorkersEndedCleanly,
  killWorkers,
  spawnWorker,
  stopWorkers,
  type WorkerProcess,
} from "./support/worker_process.ts";
import { indexIds } from "../support/finished_index.ts";

const PORT = 6474;
/** Our own connections are named `fault-…` (the actors' too, but those belong to workers). */
const OURS = /^fault-(checker|producer)$/;

/** Closes every connection but ours; returns how many were closed. */
async function cutConnections(redis: Redis): Promise<number> {
  const list = (await redis.client("LIST")) as string;
  const ids: string[] = [];
  for (const line of list.split("\n")) {
    const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
    const name = /(?:^| )name=(\S*)/.exec(line)?.[1] ?? "";
    if (id && !OURS.test(name)) ids.push(id);
  }
  const closed = await Promise.all(
    ids.map((id) => redis.client("KILL", "ID", id).catch(() => 0) as Promise<number>),
  );
  return closed.reduce((a, b) => a + Number(b), 0);
}

test("faults: cutting the workers' connections every 300 ms loses no job", async () => {
  const prefix = "faults-client-kill";
  const server = await RedisServer.start({ port: PORT });
  const redis = new Redis(server.url, { connectionName: "fault-checker" });
  const producerClient = new Redis(server.url, { connectionName: "fault-producer" });
  const producer = new Repid(producerClient, { prefix });
  const workers: WorkerProcess[] = [];
  let counter: FinishedCounter | undefined;
  try {
    counter = await FinishedCounter.start(redis, `${prefix}:{default}:finished`);
    const began = Date.now();
    const jobs = await enqueueMany(producer, "fault_record", KILL_JOBS, [60]);
    for (let i = 0; i < 3; i++) {
      workers.push(spawnWorker({ redisUrl: server.url, prefix, concurrency: 20, leaseMs: 1_000 }));
    }
    await Promise.all(workers.map((w) => w.loaded));

    const results = awaitResults(jobs, AbortSignal.timeout(RESULT_TIMEOUT_MS));
    let settled = false;
    void results.finally(() => (settled = true));
    const cuts: { at: number; closed: number }[] = [];
    while (!settled) {
      await Promise.race([results, delay(300)]); // the fault schedule
      if (settled) break;
      cuts.push({ at: Date.now(), closed: await cutConnections(redis) });
    }
    const byId = await results;
    const elapsed = (Date.now() - began) / 1000;
    const ends = await stopWorkers(workers);
    await counter.settle();

    const v = verify({
      jobs,
      results: byId,
      runs: await runsFromRedis(redis, prefix),
      killed: new Set(),
      lostLeases: new Map(workers.map((w) => [w.pid, w.lostLeases])),
      notifications: counter.counts,
    });
    const dead = (await indexIds(redis, `${prefix}:{default}:dead`)).length;
    // Recovery: from each cut to the next job finished after it.
    const finished = [...byId.values()].flatMap((r) => r ? [r.finishedAt] : []).sort((a, b) =>
      a - b
    );
    const gaps = cuts.flatMap(({ at }) => {
      const next = finished.find((t) => t > at);
      return next === undefined ? [] : [next - at];
    });
    const closed = cuts.reduce((a, c) => a + c.closed, 0);
    console.log(summaryLine("client-kill", {
      jobs: jobs.length,
      lost: v.lost.length,
      duplicateRuns: v.duplicateRuns,
      deadLettered: dead,
      recover: spread(gaps),
      detail: `${cuts.length} cuts closed ${closed} connections; ${v.rerunJobs} jobs ran again ` +
        `after a lost lease, ${v.redelivered} redelivered; ${elapsed.toFixed(1)} s`,
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
    assert.ok(closed > 0, "connections were cut while jobs ran");
    assertWorkersEndedCleanly(workers, ends);
  } finally {
    await killWorkers(workers);
    counter?.close();
    await producer.close();
    producerClient.disconnect();
    redis.disconnect();
    await server.stop();
  }
});
