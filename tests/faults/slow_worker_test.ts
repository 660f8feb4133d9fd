/**
 * Scenario 3: a slow worker. One of two worker processes is stopped with
 * SIGSTOP while it runs a job (its event loop busy, so no lease renewal),
 * and stays stopped past the lease. The job runs on the other worker; after
 * SIGCONT the stopped worker's late completion is refused and logged, and
 * the first result stays. Other jobs it had in flight run elsewhere too.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { Repid } from "../../mod.ts";
import { RedisServer } from "../support/redis_server.ts";
import {
  awaitResults,
  describeJobs,
  describeProblems,
  enqueueMany,
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

const PORT = 6472;

test("faults: a worker paused past its lease cannot overwrite the result of the job's rerun", async () => {
  const prefix = "faults-slow";
  const server = await RedisServer.start({ port: PORT });
  const dir = mkdtempSync(join(tmpdir(), "repid-faults-"));
  const releaseFile = join(dir, "release");
  const redis = new Redis(server.url, { connectionName: "fault-checker" });
  const producer = new Repid(server.url, { prefix });
  const workers: WorkerProcess[] = [];
  try {
    const began = Date.now();
    const before = await enqueueMany(producer, "fault_record", 100, [50]);
    const slow = await producer.enqueueJob("fault_slow", { args: [1_000] });
    const after = await enqueueMany(producer, "fault_record", 100, [50], "default", 100);
    for (let i = 0; i < 2; i++) {
      workers.push(spawnWorker({
        redisUrl: server.url,
        prefix,
        concurrency: 5,
        leaseMs: 1_000,
        env: { REPID_FAULT_RELEASE_FILE: releaseFile },
      }));
    }

    // Whichever worker takes the slow job first is paused while it runs it.
    const pattern = new RegExp(`^slow running ${slow.id} (\\d+)$`);
    const pid = Number(
      (await Promise.any(workers.map((w) => w.waitForLine(pattern, "stdout", 120_000))))[1],
    );
    const paused = workers.find((w) => w.pid === pid)!;
    const other = workers.find((w) => w.pid !== pid)!;
    paused.signal("SIGSTOP");
    const stoppedAt = Date.now();

    const first = await slow.waitResult({ timeoutMs: 60_000 });
    assert.equal(first.status, "done");
    assert.deepEqual(
      first.value,
      { value: 2_000, pid: other.pid },
      "the job ran on the other worker",
    );
    assert.equal(first.deliveries, 2);

    writeFileSync(releaseFile, "");
    paused.signal("SIGCONT");
    const resumedAt = Date.now();
    await paused.waitForLine(new RegExp(`^slow returning ${slow.id}$`), "stdout", 60_000);
    // Its completion is refused ("write refused: lease lost"), or, should its
    // lease renewal have run first, the job is dropped there ("lease lost;
    // job stopped here"); either way the first result stays.
    const [, refusal] = await paused.waitForLine(
      new RegExp(`(write refused: lease lost|lease lost; job stopped here) .*"id":"${slow.id}"`),
      "stderr",
      60_000,
    );
    assert.deepEqual(await slow.getResult(), first, "the late completion changed nothing");

    const jobs = [...before, { job: slow, n: 1_000 }, ...after];
    const byId = await awaitResults(jobs, AbortSignal.timeout(120_000));
    const elapsed = (Date.now() - began) / 1000;
    const ends = await stopWorkers(workers);
    const v = verify({
      jobs,
      results: byId,
      runs: await runsFromRedis(redis, prefix),
      killed: new Set(),
      lostLeases: new Map(workers.map((w) => [w.pid, w.lostLeases])),
    });
    const dead = (await indexIds(redis, `${prefix}:{default}:dead`)).length;
    console.log(summaryLine("slow-worker", {
      jobs: jobs.length,
      lost: v.lost.length,
      duplicateRuns: v.duplicateRuns,
      deadLettered: dead,
      recover: spread([first.finishedAt - stoppedAt]),
      detail: `worker paused ${resumedAt - stoppedAt} ms, then logged "${refusal}"; ` +
        `${v.rerunJobs} jobs it had in flight ` +
        `ran again on the other worker, each reported lost there; ${elapsed.toFixed(1)} s`,
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
    assert.ok(paused.lostLeases.has(slow.id));
    assert.equal(dead, 0, "no job was dead-lettered");
    assertWorkersEndedCleanly(workers, ends);
  } finally {
    await killWorkers(workers);
    await producer.close();
    redis.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
