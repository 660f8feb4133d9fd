/**
 * Recurring jobs against Redis only: worker processes in different local
 * time zones, and a crashed worker's redelivered occurrence.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { fileURLToPath } from "node:url";
import { type JobContext, Repid, Worker } from "../../mod.ts";
import { RedisBackend } from "../../src/backend/redis/redis_backend.ts";
import { advanceOccurrence } from "../../src/backend/schedule_advance.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { type Run, runDeno, within } from "../support/subprocess.ts";
import { waitFor } from "../support/wait.ts";

function atOf(id: string): number {
  return Number(id.slice(id.lastIndexOf("@") + 1));
}

describe("recurring jobs on Redis", () => {
  let prefix: string;
  let redis: Redis;
  before(() => {
    prefix = testPrefix("schedule");
    redis = new Redis(REDIS_URL);
  });
  after(async () => {
    await redis.quit();
    await cleanup(prefix);
  });

  it("workers with TZ=America/Los_Angeles and TZ=Asia/Tokyo agree on due times and run each occurrence once", async () => {
    const queue = "tz";
    const env = { REPID_PREFIX: prefix, REDIS_URL, QUEUE: queue };
    // The same runtime as this test: `deno run -A x.ts` on Deno, `node x.js` on Node.
    const fixture = fileURLToPath(new URL("./fixtures/schedule_tz_worker.ts", import.meta.url));
    const args = "Deno" in globalThis ? ["run", "-A", fixture] : [fixture];
    const runs: Run[] = [
      runDeno(args, { ...env, TZ: "America/Los_Angeles" }),
      runDeno(args, { ...env, TZ: "Asia/Tokyo" }),
    ];
    const producer = new Repid(REDIS_URL, { prefix });
    try {
      await Promise.all(runs.map((r) => r.waitForOutput("ready ", 60_000)));
      const [la, tokyo] = runs.map((r) => {
        const line = r.stdout().split("\n").find((l) => l.startsWith("ready "))!;
        return JSON.parse(line.slice("ready ".length));
      });
      assert.notEqual(la.localHour, tokyo.localHour, "the processes read local time differently");
      assert.notEqual(la.offset, tokyo.offset);
      for (const key of ["berlinNine", "tokyoNine", "utcNine", "fixedRate", "first"]) {
        assert.equal(la[key], tokyo[key], `both compute the same ${key}`);
      }
      assert.equal(la.berlinNine, Date.UTC(2025, 2, 30, 7, 0, 0), "09:00 CEST is 07:00 UTC");
      assert.equal(la.tokyoNine, Date.UTC(2025, 2, 31, 0, 0, 0), "09:00 JST is 00:00 UTC");

      const s = await producer.enqueueJob("tz_tick", {
        queue,
        cron: "* * * * * *",
        tz: "Europe/Berlin",
      });
      await waitFor("five finished occurrences", async () => {
        const r = await s.latestResult();
        const count = await redis.hlen(`${prefix}:test:runs`);
        return r && count >= 5;
      }, { timeoutMs: 60_000 });
      await s.cancel();
      for (const r of runs) r.child.kill("SIGTERM");
      await within(Promise.all(runs.map((r) => r.exited)), 30_000, "worker processes stop");

      const counts = await redis.hgetall(`${prefix}:test:runs`);
      const ids = Object.keys(counts);
      assert.ok(ids.length >= 5);
      for (const id of ids) {
        assert.equal(counts[id], "1", `occurrence ${id} ran once`);
        const info = await s.occurrence(atOf(id)).info();
        assert.equal(info?.status, "done");
        assert.equal(atOf(id) % 1000, 0);
        assert.ok(info!.result!.startedAt! >= atOf(id), `${id} did not start before it was due`);
      }
    } finally {
      for (const r of runs) r.kill();
      await producer.close();
    }
  });

  it("a crashed worker's occurrence is redelivered and the schedule still creates each next occurrence once", async () => {
    const queue = "crash";
    const backend = new RedisBackend(REDIS_URL, { prefix });
    const producer = new Repid(null, { backend });
    const ran = new Map<string, number>();
    const worker = new Worker(REDIS_URL, { prefix, logger: "silent" });
    worker.actor(async function crashy(this: JobContext) {
      ran.set(this.jobId, (ran.get(this.jobId) ?? 0) + 1);
      await Promise.resolve();
      return this.deliveries;
    }, { queue });
    try {
      const anchor = (await backend.time()) - 10;
      const s = await producer.enqueueJob("crashy", { queue, deferBy: 1000, deferUntil: anchor });
      // A worker leases the first occurrence, moves the schedule on as workers do
      // before running the actor, and dies: its lease expires.
      const { jobs } = await backend.fetch(queue, 1, 300, "crashed-worker");
      assert.equal(jobs[0]?.id, `${s.id}@${anchor}`);
      assert.equal(await advanceOccurrence(backend, jobs[0]), "advanced");
      const second = (await s.nextRunAt())!;
      // The first occurrence after the (store) time it started: missed ones are skipped.
      assert.equal(second, anchor + 1000 * (Math.floor((jobs[0].startedAt - anchor) / 1000) + 1));

      const running = worker.runForever({ handleSignals: false });
      const redone = await s.occurrence(anchor).waitResult({ timeoutMs: 30_000 });
      assert.equal(redone.deliveries, 2, "run again after the lease expired");
      const next = await s.occurrence(second).waitResult({ timeoutMs: 30_000 });
      assert.equal(next.success, true);
      await s.cancel();
      await worker.stop();
      await running;
      assert.equal(ran.get(`${s.id}@${anchor}`), 1);
      assert.equal(ran.get(`${s.id}@${second}`), 1, "the next occurrence was created once");
      for (const [id, count] of ran) assert.equal(count, 1, `${id} ran ${count} times`);
    } finally {
      await worker.stop({ graceMs: 0 });
      await producer.close();
      await backend.close();
    }
  });
});
