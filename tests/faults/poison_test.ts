/**
 * Scenario 4: poison. 1 000 garbage entries are written straight into a
 * queue's keys (ids with no job, bad JSON, missing fields, wrong types,
 * unknown statuses, invalid actor names, job keys of the wrong Redis type,
 * oversized ids, two 10 MB payloads) among
 * 1 000 good jobs. Every good job is done, every bad entry is dead-lettered
 * with a reason (in the `dead` zset; its hash has `status=dead`, `reason`
 * and `error`), and no worker exits.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { Repid } from "../../mod.ts";
import { RedisServer } from "../support/redis_server.ts";
import { waitFor } from "../support/wait.ts";
import {
  awaitResults,
  describeJobs,
  describeProblems,
  enqueueMany,
  runsFromRedis,
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

const PORT = 6473;
const GOOD = 1_000;
const BAD = 1_000;
const TEN_MB = 10 * 1024 * 1024;

/** One garbage entry: how to write it, and the id it is dead-lettered under. */
interface Garbage {
  kind: string;
  deadId: string;
  write(redis: Redis, base: string): Promise<unknown>;
}

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** An entry pushed on the ready list under `id`, with `fields` as its job hash (none if null). */
function listed(kind: string, id: string, fields: Record<string, string> | null): Garbage {
  return {
    kind,
    deadId: id.length > 256 ? `malformed:${sha1(id)}` : id,
    async write(redis, base) {
      if (fields) await redis.hset(`${base}:job:${id}`, fields);
      await redis.rpush(`${base}:ready`, id);
    },
  };
}

const job = (fields: Record<string, string>) => ({
  status: "queued",
  enq: "1700000000000",
  deliveries: "0",
  attempts: "0",
  ...fields,
});

/** The garbage kinds, cycled over `i`. */
const KINDS: ((i: number) => Garbage)[] = [
  (i) => listed("no job data", `garbage-orphan-${i}`, null),
  (i) => ({
    kind: "deferred id with no job data",
    deadId: `garbage-deferred-${i}`,
    write: (redis, base) => redis.zadd(`${base}:deferred`, 1, `garbage-deferred-${i}`),
  }),
  (i) => listed("bad JSON args", `garbage-json-${i}`, job({ actor: "fault_record", args: "[1," })),
  (i) => listed("missing actor", `garbage-noactor-${i}`, job({ args: "[1,5]" })),
  (i) => listed("missing args", `garbage-noargs-${i}`, job({ actor: "fault_record" })),
  (i) =>
    listed(
      "args not an array",
      `garbage-notarray-${i}`,
      job({ actor: "fault_record", args: ['{"n":1}', "42", '"x"', "null", "true"][i % 5] }),
    ),
  (i) =>
    listed("missing status", `garbage-nostatus-${i}`, { actor: "fault_record", args: "[1,5]" }),
  (i) =>
    listed(
      "wrong-typed fields and bad args",
      `garbage-types-${i}`,
      {
        status: "queued",
        actor: "fault_record",
        args: "{[",
        deliveries: "many",
        attempts: "-1.5e",
        enq: "yesterday",
        errors: "{oops",
        opts: "[[",
      },
    ),
  (i) =>
    listed(
      "unknown status",
      `garbage-status-${i}`,
      job({ actor: "fault_record", args: "[1,5]", status: ["banana", "", "QUEUED", "7"][i % 4] }),
    ),
  (i) =>
    listed(
      "invalid actor name",
      `garbage-actorname-${i}`,
      job({ actor: ["", "has space", "{tag}", "-dash", "a".repeat(300)][i % 5], args: "[1,5]" }),
    ),
  (i) => ({
    kind: "job key of the wrong Redis type",
    deadId: `malformed:${sha1(`garbage-keytype-${i}`)}`,
    async write(redis, base) {
      const key = `${base}:job:garbage-keytype-${i}`;
      const type = i % 4;
      if (type === 0) await redis.set(key, "a string");
      else if (type === 1) await redis.rpush(key, "a", "list");
      else if (type === 2) await redis.sadd(key, "a", "set");
      else await redis.zadd(key, 1, "zset");
      await redis.rpush(`${base}:ready`, `garbage-keytype-${i}`);
    },
  }),
  (i) => listed("odd id with no job data", `garbage {odd} ✓ "${i}"\n`, null),
  (i) => listed("oversized id", `garbage-long-${i}-${"x".repeat(300)}`, null),
];

function garbage(): Garbage[] {
  const out: Garbage[] = [];
  // Two 10 MB payloads: one as a queue entry, one as a job's broken arguments.
  out.push(listed("10 MB queue entry", "y".repeat(TEN_MB), null));
  out.push(
    listed(
      "10 MB broken args",
      "garbage-10mb-args",
      job({ actor: "fault_record", args: "[" + "9,".repeat(TEN_MB / 2) }),
    ),
  );
  for (let i = 0; out.length < BAD; i++) out.push(KINDS[i % KINDS.length](i));
  return out;
}

test("faults: 1 000 garbage entries among 1 000 jobs are dead-lettered and the good jobs done", async () => {
  const prefix = "faults-poison";
  const base = `${prefix}:{default}`;
  const server = await RedisServer.start({ port: PORT });
  const redis = new Redis(server.url, { connectionName: "fault-checker" });
  const producer = new Repid(server.url, { prefix });
  const workers: WorkerProcess[] = [];
  try {
    const began = Date.now();
    const bad = garbage();
    const first = await enqueueMany(producer, "fault_record", GOOD / 2, [5]);
    for (const g of bad) await g.write(redis, base);
    const second = await enqueueMany(producer, "fault_record", GOOD / 2, [5], "default", GOOD / 2);
    const good = [...first, ...second];
    for (let i = 0; i < 2; i++) {
      // A 5 s lease: parsing the 10 MB payload alone blocks a worker for about 0.7 s, and a
      // job that stalls its worker past the lease is delivered again and again.
      workers.push(spawnWorker({ redisUrl: server.url, prefix, concurrency: 10, leaseMs: 5_000 }));
    }

    const byId = await awaitResults(good, AbortSignal.timeout(120_000));
    const expected = new Map(bad.map((g) => [g.deadId, g]));
    let deadIds = new Set<string>();
    try {
      await waitFor("every bad entry dead-lettered", async () => {
        deadIds = new Set(await indexIds(redis, `${base}:dead`));
        return [...expected.keys()].every((id) => deadIds.has(id));
      }, { timeoutMs: 30_000, everyMs: 100 });
    } catch {
      // reported below, by kind
    }
    const elapsed = (Date.now() - began) / 1000;
    const alive = workers.map((w) => w.alive);
    const ends = await stopWorkers(workers);

    const v = verify({
      jobs: good,
      results: byId,
      runs: await runsFromRedis(redis, prefix),
      killed: new Set(),
      lostLeases: new Map(workers.map((w) => [w.pid, w.lostLeases])),
    });
    const missing = new Map<string, number>();
    const unexplained: string[] = [];
    for (const [id, g] of expected) {
      if (!deadIds.has(id)) {
        missing.set(g.kind, (missing.get(g.kind) ?? 0) + 1);
        continue;
      }
      const h = await redis.hmget(`${base}:job:${id}`, "status", "reason", "error");
      const message = h[2] ? (JSON.parse(h[2]) as { message?: string }).message : undefined;
      if (h[0] !== "dead" || !h[1] || !message) {
        unexplained.push(`${g.kind} ${JSON.stringify(id.slice(0, 60))}: ${JSON.stringify(h)}`);
      }
    }
    const goodDead = good.filter((e) => deadIds.has(e.job.id)).length;
    console.log(summaryLine("poison", {
      jobs: GOOD + BAD,
      lost: v.lost.length,
      duplicateRuns: v.duplicateRuns,
      deadLettered: deadIds.size,
      recover: null,
      detail: `${GOOD} good jobs done: ${GOOD - v.lost.length}; ${BAD} bad entries of ` +
        `${KINDS.length + 2} kinds dead-lettered: ${
          BAD - [...missing.values()].reduce((a, b) => a + b, 0)
        }; ` +
        `workers alive: ${alive.filter(Boolean).length}/${workers.length}; ` +
        `${v.rerunJobs} good jobs ran again after a lost lease; ${elapsed.toFixed(1)} s`,
    }));

    assert.deepEqual(
      v.lost,
      [],
      `lost jobs:\n${describeProblems(v)}\n${await describeJobs(redis, base, v.lost)}`,
    );
    assert.deepEqual(v.problems, [], describeProblems(v));
    assert.deepEqual(Object.fromEntries(missing), {}, "bad entries not dead-lettered, by kind");
    assert.deepEqual(unexplained, [], "every dead letter has status=dead, a reason and an error");
    assert.equal(goodDead, 0, "no good job was dead-lettered");
    assert.deepEqual(alive, workers.map(() => true), "no worker exited");
    assertWorkersEndedCleanly(workers, ends);
  } finally {
    await killWorkers(workers);
    await producer.close();
    redis.disconnect();
    await server.stop();
  }
});
