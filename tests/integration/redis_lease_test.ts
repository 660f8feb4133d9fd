/**
 * Semantics 2 over Redis: at least once, never lost. Workers in child
 * processes are killed (SIGKILL) or paused (SIGSTOP) past their lease.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { type JobContext, type JobResult, Repid, Worker } from "../../mod.ts";
import { deferred, sleep } from "../../src/core/sleep.ts";
import { type ChildScript, spawnScript } from "../support/child_script.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";

const LEASE_WORKER = fileURLToPath(new URL("./fixtures/lease_worker.ts", import.meta.url));
const LEASE_MS = 1_000;

function childWorker(prefix: string, mode: "block" | "spin", releaseFile = ""): ChildScript {
  return spawnScript(LEASE_WORKER, {
    REPID_URL: REDIS_URL,
    REPID_PREFIX: prefix,
    REPID_LEASE_MS: String(LEASE_MS),
    REPID_MODE: mode,
    REPID_RELEASE_FILE: releaseFile,
  });
}

/** A worker in this process with the same actor as the child's. */
function localWorker(prefix: string): Worker {
  const worker = new Worker(REDIS_URL, { prefix, leaseMs: LEASE_MS, logger: "silent" });
  worker.actor(function lease_probe(this: JobContext): string {
    return `second, delivery ${this.deliveries}`;
  });
  return worker;
}

test("Worker: a job whose worker process was killed runs on another worker after its lease expired", async () => {
  const prefix = testPrefix("lease-kill");
  const producer = new Repid(REDIS_URL, { prefix });
  let child: ChildScript | undefined;
  let worker: Worker | undefined;
  try {
    const job = await producer.enqueueJob("lease_probe");
    child = childWorker(prefix, "block");
    const [, id, deliveries] = await child.waitForLine(/^running (\S+) (\d+)$/, 60_000);
    assert.equal(id, job.id);
    assert.equal(deliveries, "1");
    assert.equal(await job.status(), "in_progress");

    child.signal("SIGKILL");
    assert.equal(await child.exited, "SIGKILL");
    assert.equal(await job.status(), "in_progress", "the dead worker's lease still holds the job");

    worker = localWorker(prefix);
    void worker.runForever({ handleSignals: false });
    const result = await job.waitResult({ timeoutMs: 30_000 });
    assert.equal(result.status, "done");
    assert.equal(result.value, "second, delivery 2");
    assert.equal(result.deliveries, 2);
  } finally {
    await child?.close();
    await worker?.stop({ graceMs: 0 });
    await producer.close();
    await cleanup(prefix);
  }
});

test("Worker: a worker that lost its lease while paused cannot complete the job, and logs the refusal", async () => {
  const prefix = testPrefix("lease-pause");
  const producer = new Repid(REDIS_URL, { prefix });
  const dir = mkdtempSync(join(tmpdir(), "repid-lease-"));
  const releaseFile = join(dir, "release");
  let child: ChildScript | undefined;
  let worker: Worker | undefined;
  try {
    const job = await producer.enqueueJob("lease_probe");
    // The child's actor keeps its event loop busy (no lease renewal) until
    // the release file exists; meanwhile the process is paused.
    child = childWorker(prefix, "spin", releaseFile);
    await child.waitForLine(new RegExp(`^running ${job.id} 1$`), 60_000);
    child.signal("SIGSTOP");

    worker = localWorker(prefix);
    void worker.runForever({ handleSignals: false });
    const first = await job.waitResult({ timeoutMs: 30_000 });
    assert.equal(first.value, "second, delivery 2");

    writeFileSync(releaseFile, "");
    child.signal("SIGCONT");
    await child.waitForLine(new RegExp(`^returning ${job.id}$`), 30_000);
    const [, outcome] = await child.waitForLine(
      new RegExp(`(write refused: lease lost|job done|job failed).*${job.id}`),
      30_000,
    );
    assert.equal(outcome, "write refused: lease lost");
    const stored = await job.getResult();
    assert.deepEqual(stored, first, "the late completion changed nothing");
    assert.equal(await job.status(), "done");
  } finally {
    await child?.close();
    await worker?.stop({ graceMs: 0 });
    await producer.close();
    await cleanup(prefix);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Worker: two live workers never run one job at the same time while leases are renewed", async () => {
  const prefix = testPrefix("lease-overlap");
  const probe = new Redis(REDIS_URL);
  const live = `${prefix}:probe:live`;
  const runs = `${prefix}:probe:runs`;
  const overlaps = `${prefix}:probe:overlaps`;
  const leaseMs = 600;
  const overlapSeen = deferred<never>();
  async function overlap_probe(this: JobContext, ms: number): Promise<string> {
    const now = await probe.hincrby(live, this.jobId, 1);
    await probe.hincrby(runs, this.jobId, 1);
    if (now > 1) {
      await probe.sadd(overlaps, this.jobId);
      overlapSeen.reject(new Error(`job ${this.jobId} runs on two workers at once`));
    }
    try {
      await sleep(ms, this.signal); // three leases long: only renewal keeps the job
    } finally {
      await probe.hincrby(live, this.jobId, -1);
    }
    return "ok";
  }
  const workers = [1, 2].map(() => {
    const w = new Worker(REDIS_URL, { prefix, leaseMs, concurrency: 10, logger: "silent" });
    w.actor(overlap_probe);
    return w;
  });
  const producer = new Repid(REDIS_URL, { prefix });
  try {
    for (const w of workers) void w.runForever({ handleSignals: false });
    const jobs = [];
    for (let i = 0; i < 12; i++) {
      jobs.push(await producer.enqueueJob("overlap_probe", { args: [leaseMs * 3] }));
    }
    const results: JobResult[] = await Promise.race([
      Promise.all(jobs.map((j) => j.waitResult({ timeoutMs: 60_000 }))),
      overlapSeen.promise,
    ]);
    for (const r of results) {
      assert.equal(r.status, "done", `job ${r.id}: ${JSON.stringify(r.error)}`);
      assert.equal(r.deliveries, 1, `job ${r.id} was delivered again`);
    }
    const counts = await probe.hgetall(runs);
    assert.deepEqual(
      Object.values(counts).map(Number),
      jobs.map(() => 1),
      "every job ran exactly once",
    );
    assert.deepEqual(await probe.smembers(overlaps), [], "no job ran on two workers at once");
  } finally {
    await Promise.all(workers.map((w) => w.stop({ graceMs: 0 })));
    await producer.close();
    probe.disconnect();
    await cleanup(prefix);
  }
});
