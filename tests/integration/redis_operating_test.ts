/**
 * The operating API against Redis with what only Redis has: a worker in
 * another process (listed by `producer.workers()`, named as the worker of the
 * jobs it ran), and a purge of 100,000 finished jobs in bounded batches on a
 * private redis-server.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { Redis } from "ioredis";
import { Repid } from "../../mod.ts";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import type { Completion, LeasedJob, NewJob } from "../../src/core/job.ts";
import { BULK_BATCH, INDEX_ENTRY_IDS } from "../../src/core/store_limits.ts";
import { spawnScript } from "../support/child_script.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { RedisServer } from "../support/redis_server.ts";
import { waitFor } from "../support/wait.ts";
import { fileURLToPath } from "node:url";

/** The completion of a leased job that returned 1 at its first attempt, kept an hour. */
function doneNow(job: LeasedJob): Completion {
  return {
    id: job.id,
    token: job.token,
    status: "done",
    valueJson: "1",
    error: null,
    errors: [],
    attempts: 1,
    ttlMs: 3_600_000,
  };
}

// a URL relative to this module, which the npm test build rewrites to its .js
const OPS_WORKER = fileURLToPath(new URL("./fixtures/ops_worker.ts", import.meta.url));

test("`producer.workers()` lists a worker of another process, and `q.jobs()` names it as the jobs' worker", async () => {
  const prefix = testPrefix("ops-remote");
  const child = spawnScript(OPS_WORKER, {
    REPID_URL: REDIS_URL,
    REPID_PREFIX: prefix,
  });
  const producer = new Repid(REDIS_URL, { prefix, logger: "silent" });
  try {
    await child.waitForLine(/^ready$/, 60_000);
    const [remote] = await waitFor("the remote worker's registration", async () => {
      const workers = await producer.workers();
      return workers.length === 1 ? workers : undefined;
    });
    assert.equal(remote.pid, child.process.pid);
    assert.deepEqual(remote.queues, ["ops_remote"]);
    assert.equal(remote.concurrency, 3);
    const squares = await Promise.all(
      [2, 3].map((n) => producer.enqueueJob("remote_square", { queue: "ops_remote", args: [n] })),
    );
    const failing = await producer.enqueueJob("remote_fail", { queue: "ops_remote" });
    for (const job of [...squares, failing]) await job.waitResult({ timeoutMs: 30_000 });
    const q = producer.queue("ops_remote");
    const counts = await q.counts();
    assert.equal(counts.done, 2);
    assert.equal(counts.failed, 1);
    const { jobs } = await q.jobs({ state: "done" });
    assert.deepEqual(jobs.map((j) => j.result?.value).sort(), [4, 9]);
    assert.ok(jobs.every((j) => j.workerId === remote.id), "run by the remote worker");
    const [failed] = (await q.jobs({ state: "failed" })).jobs;
    assert.equal(failed.errors[0].name, "RangeError");
    assert.match(failed.errors[0].stack ?? "", /remote_fail/);
    // requeued, it runs again in the other process and fails again: two errors in its history
    assert.equal(await q.requeue({ state: "failed" }), 1);
    const again = await waitFor("the requeued job to fail again", async () => {
      const info = (await producer.getJob(failing.id, { queue: "ops_remote" }))!;
      const state = await info.info();
      return state?.status === "failed" ? state : undefined;
    });
    assert.equal(again.errors.length, 2);
    assert.equal(again.attempts, 1);
    child.signal("SIGTERM");
    assert.equal(await child.exited, 0);
    assert.deepEqual(await producer.workers(), [], "a stopped worker leaves the registry");
  } finally {
    await child.close();
    await producer.close();
    await cleanup(prefix);
  }
});

test("`q.purge()` removes 100,000 done jobs in batches of at most 500", async () => {
  if (process.env.REDIS_CLUSTER) return; // a private server; the cluster run covers the rest
  const server = await RedisServer.start({ port: 6700 });
  const backend = new RedisBackend(server.url);
  const producer = new Repid(server.url, { logger: "silent" });
  const admin = new Redis(server.url);
  try {
    const n = 100_000;
    for (let i = 0; i < n; i += 1_000) {
      const jobs: NewJob[] = Array.from({ length: 1_000 }, (_, k) => ({
        id: `p${i + k}`,
        customId: true,
        queue: "bulk",
        actor: "a",
        argsJson: "[1]",
        dueAt: 0,
      }));
      await backend.enqueue(jobs);
      const { jobs: leased } = await backend.fetch("bulk", 1_000, 60_000, "w-1");
      await backend.complete("bulk", leased.map(doneNow));
    }
    const q = producer.queue("bulk");
    const HINT = "repid:{bulk}:lease-hint";
    assert.equal((await q.counts()).done, n);
    const before = await scriptCalls(admin);
    assert.equal(await q.purge({ state: "done" }), n);
    const calls = (await scriptCalls(admin)) - before;
    assert.ok(calls >= n / BULK_BATCH, `${calls} script calls: batches of at most ${BULK_BATCH}`);
    assert.equal((await q.counts()).done, 0);
    assert.deepEqual(await q.jobs({ state: "done" }), { jobs: [] });
    // every job record and index entry is gone: what is left is the registry of queue names,
    // the per-minute throughput counts (kept 24 h whatever becomes of the jobs) and the
    // fetch's lease hint (it expires by itself)
    // (SCAN may return a key more than once while the key table is rehashed: a set)
    const seen = new Set<string>();
    let cursor = "0";
    do {
      const [next, found] = await admin.scan(cursor, "MATCH", "*");
      cursor = next;
      for (const key of found) seen.add(key);
    } while (cursor !== "0");
    const left = [...seen];
    const counts = left.filter((k) => k.startsWith("repid:{bulk}:throughput:"));
    assert.ok(counts.length >= 1, "the minutes the jobs finished in are counted");
    assert.deepEqual(
      left.filter((k) => !counts.includes(k)).sort(),
      ["repid:{:queues}:names", ...(left.includes(HINT) ? [HINT] : [])],
    );
    assert.equal(await admin.exists("repid:{:queues}:names"), 1);
  } finally {
    await producer.close();
    await backend.close();
    admin.disconnect();
    await server.stop();
  }
});

/** How many scripts the server ran so far (`INFO commandstats`). */
async function scriptCalls(admin: Redis): Promise<number> {
  const info = await admin.info("commandstats");
  let n = 0;
  for (const m of info.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)) n += Number(m[1]);
  return n;
}

test("finished jobs acked in one call share index entries: pages, counts, requeue, remove and retention see every job", async () => {
  if (process.env.REDIS_CLUSTER) return; // reads an index key on one node
  const prefix = testPrefix("index-entries");
  const url = REDIS_URL;
  const backend = new RedisBackend(url, { prefix });
  const kept = new RedisBackend(url, { prefix, retention: { done: 120 } });
  const producer = new Repid(url, { prefix, logger: "silent" });
  // acks `n` jobs of `queue` in one `complete` call (one script call: shared entries)
  const finishAll = async (on: RedisBackend, queue: string, n: number, from = 0) => {
    const jobs: NewJob[] = Array.from({ length: n }, (_, k) => ({
      id: `j${from + k}`,
      customId: true,
      queue,
      actor: "a",
      argsJson: `[${from + k}]`,
      dueAt: 0,
    }));
    await on.enqueue(jobs);
    const { jobs: leased } = await on.fetch(queue, n, 60_000, "w-1");
    assert.equal(leased.length, n);
    await on.complete(queue, leased.map(doneNow));
  };
  try {
    // 250 jobs in one call: more than one entry holds (INDEX_ENTRY_IDS)
    await finishAll(backend, "shared", 250);
    const admin = new Redis(url);
    // 250 ids in 3 entries (100, 100, 50)
    const entries = await admin.zcard(`${prefix}:{shared}:done`).finally(() => admin.disconnect());
    assert.equal(entries, Math.ceil(250 / INDEX_ENTRY_IDS));
    const q = producer.queue("shared");
    assert.equal((await q.counts()).done, 250);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await q.jobs({ state: "done", limit: 30, ...(cursor ? { cursor } : {}) });
      seen.push(...page.jobs.map((j) => j.id));
      cursor = page.cursor;
    } while (cursor);
    assert.equal(seen.length, 250, "every job listed once");
    assert.equal(new Set(seen).size, 250);
    // a page that resumes inside an entry whose jobs changed meanwhile goes on where it was
    const first = await q.jobs({ state: "done", limit: 10 });
    const firstIds = first.jobs.map((j) => j.id);
    const inEntry = seen[20];
    const job = await producer.getJob(inEntry, { queue: "shared" });
    assert.ok(job);
    await job.requeue();
    await (await producer.getJob(seen[30], { queue: "shared" }))!.remove();
    const rest: string[] = [];
    cursor = first.cursor;
    while (cursor) {
      const page = await q.jobs({ state: "done", limit: 50, cursor });
      rest.push(...page.jobs.map((j) => j.id));
      cursor = page.cursor;
    }
    const expected = seen.filter((id) =>
      !firstIds.includes(id) && id !== inEntry && id !== seen[30]
    );
    assert.deepEqual(rest, expected);
    const counts = await q.counts();
    assert.equal(counts.done, 248);
    assert.equal(counts.queued, 1);
    assert.equal(await q.purge({ state: "done" }), 248);
    assert.equal((await q.counts()).done, 0);

    // retention 120: after 250 jobs acked in one call, at most 100 are deleted per call; the
    // next call (one more job) deletes down to 120
    await finishAll(kept, "kept", 250);
    const k = producer.queue("kept");
    assert.equal((await k.counts()).done, 150);
    await finishAll(kept, "kept", 1, 250);
    assert.equal((await k.counts()).done, 120);
    const listed = [];
    cursor = undefined;
    do {
      const page = await k.jobs({ state: "done", limit: 100, ...(cursor ? { cursor } : {}) });
      listed.push(...page.jobs.map((j) => j.id));
      cursor = page.cursor;
    } while (cursor);
    assert.equal(listed.length, 120);
    // the newest are kept, the oldest deleted with their records
    assert.equal(listed[0], "j250");
    assert.equal(await producer.getJob("j0", { queue: "kept" }), null);
  } finally {
    await producer.close();
    await backend.close();
    await kept.close();
    await cleanup(prefix);
  }
});
