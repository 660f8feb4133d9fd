/**
 * A producer under load must not hold Redis for long: the re-read of many
 * pending result waits is sent in bounded batches that read statuses only,
 * and a merged enqueue of many jobs is split into bounded script calls. Each
 * test runs on a redis-server of its own, so the commands counted are the
 * test's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { Repid } from "../../mod.ts";
import { countByName, type RecordedCommand } from "../support/command_recorder.ts";
import { withRecordedServer } from "../support/recorded_server.ts";
import { waitFor } from "../support/wait.ts";

/** The most jobs one read or one merged enqueue may carry. */
const BATCH_MAX = 200;

/** The script calls among `commands` that carry job ids after `keys` keys. */
function scriptCalls(commands: RecordedCommand[], keys: number): RecordedCommand[] {
  return commands.filter((c) =>
    (c.name === "evalsha" || c.name === "eval") && c.args[1] === String(keys)
  );
}

test("the re-read of 2,000 pending waits reads statuses in batches, never whole records", async () => {
  await withRecordedServer(6523, async (server, recorder) => {
    const n = 2_000;
    const producer = new Repid(server.url, { recheckMs: 60_000 });
    const admin = new Redis(server.url);
    try {
      const args = ["x".repeat(10_000)]; // large arguments, which a re-read must not fetch
      const jobs = [];
      for (let i = 0; i < n; i += 500) {
        jobs.push(
          ...await producer.enqueueJobs(
            Array.from({ length: 500 }, () => ({ actor: "never_run", args })),
          ),
        );
      }
      const ids = new Set(jobs.map((j) => j.id));
      const readIds = (commands: RecordedCommand[]) =>
        scriptCalls(commands, 1).flatMap((c) => c.args.slice(3)).filter((id) => ids.has(id));
      // Jobs read, in batches or (as before) one whole record at a time.
      const reads = (commands: RecordedCommand[]) =>
        readIds(commands).length + commands.filter((c) => c.name === "hgetall").length;
      let mark = recorder.mark();
      const waits = jobs.map((job) => job.result.then(() => "resolved", () => "rejected"));
      // The first reads of the waits.
      await waitFor("the first reads", () => reads(recorder.since(mark)) >= n);

      // A reconnect of the subscriber makes every pending wait read again.
      await recorder.flush();
      mark = recorder.mark();
      await admin.client("KILL", "TYPE", "pubsub");
      await waitFor("the re-read", () => reads(recorder.since(mark)) >= n);
      await recorder.flush();
      const sent = recorder.since(mark);
      const counts = countByName(sent);
      assert.equal(counts.hgetall, undefined, `no whole record is read: ${JSON.stringify(counts)}`);
      assert.equal(counts.hmget, undefined, "no result is read for an unfinished job");
      const batches = scriptCalls(sent, 1);
      assert.ok(
        batches.length <= Math.ceil(n / BATCH_MAX),
        `${batches.length} calls for ${n} waits, expected batches of up to ${BATCH_MAX}`,
      );
      for (const r of batches) assert.ok(r.args.length - 3 <= BATCH_MAX);
      assert.equal(new Set(readIds(sent)).size, n, "every pending wait is read again");

      // The waits still resolve: finish one job by hand, as a worker would.
      const key = `repid:{default}:job:${jobs[0].id}`;
      await admin.hset(key, "status", "done", "value", "7", "finished", Date.now());
      await admin.client("KILL", "TYPE", "pubsub");
      assert.equal((await jobs[0].result).value, 7);
      assert.equal(await waits[0], "resolved");
    } finally {
      await producer.close();
      await admin.quit();
    }
  });
});

test("a merged enqueue of 20,000 jobs is sent as script calls of at most 200 jobs, in order", async () => {
  await withRecordedServer(6524, async (server, recorder) => {
    const n = 20_000;
    const producer = new Repid(server.url);
    const admin = new Redis(server.url);
    try {
      await producer.enqueueJob("warm_up"); // connects and loads the scripts
      await recorder.flush();
      const mark = recorder.mark();
      const jobs = await Promise.all(
        Array.from({ length: n }, (_, i) => producer.enqueueJob("many", { args: [i] })),
      );
      assert.ok(jobs.every((j) => j.created));
      await recorder.flush();
      // enqueue_many: 5 keys, then 5 values per job.
      const calls = scriptCalls(recorder.since(mark), 5);
      const sizes = calls.map((c) => (c.args.length - 7) / 5);
      assert.equal(sizes.reduce((a, b) => a + b, 0), n, "every job is sent once");
      assert.ok(calls.length >= n / BATCH_MAX, `${calls.length} calls`);
      assert.ok(Math.max(...sizes) <= BATCH_MAX, `largest call: ${Math.max(...sizes)} jobs`);
      // FIFO: the queue holds the jobs in the order they were enqueued.
      const ready = await admin.lrange("repid:{default}:ready", 0, -1);
      assert.deepEqual(ready.slice(1), jobs.map((j) => j.id));
    } finally {
      await producer.close();
      await admin.quit();
    }
  });
});
