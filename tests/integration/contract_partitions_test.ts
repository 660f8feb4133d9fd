/**
 * Contract tests: partitioned queues (`partitions: N` on a queue's actors)
 * on every backend: jobs spread over the partitions and all run, FIFO per
 * partition key, custom ids deduplicate, results and handles name the
 * logical queue, and a worker that disagrees with the recorded count does
 * not start.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { defineActor, type Job, PartitionsMismatchError, type Worker } from "../../mod.ts";
import { backends, type Harness } from "../support/harness.ts";
import { waitFor } from "../support/wait.ts";

/** Resolves once `count` workers are registered (their partition counts are checked by then). */
async function registered(h: Harness, count: number): Promise<void> {
  await waitFor(
    `${count} registered worker(s)`,
    async () => (await h.backend().listWorkers!()).length === count,
  );
}

/** Runs `worker` until `stop` is called; resolves once it is registered. */
async function started(h: Harness, worker: Worker, count = 1): Promise<() => Promise<void>> {
  const running = worker.runForever({ handleSignals: false });
  await registered(h, count);
  return async () => {
    await worker.stop({ graceMs: 0 });
    await running;
  };
}

for (const backend of backends) {
  describe(`[${backend.name}] partitioned queues`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("`partitions: 4` spreads jobs over the 4 partitions in turn and runs them all; handles and results name the logical queue", async () => {
      const worker = h.worker({ concurrency: 8 });
      worker.actor(async function part_where(this: { queue: string; partition: number }) {
        return await Promise.resolve(`${this.queue}/${this.partition}`);
      }, { queue: "part_spread", partitions: 4 });
      const stop = await started(h, worker);
      const producer = h.producer();
      const jobs = await Promise.all(
        Array.from(
          { length: 20 },
          () => producer.enqueueJob("part_where", { queue: "part_spread" }),
        ),
      );
      assert.deepEqual(jobs.map((j) => j.partition), Array.from({ length: 20 }, (_, i) => i % 4));
      const results = await Promise.all(jobs.map((j) => j.waitResult({ timeoutMs: 20_000 })));
      for (const [i, result] of results.entries()) {
        assert.equal(result.queue, "part_spread");
        assert.equal(result.value, `part_spread/${i % 4}`);
        assert.equal(jobs[i].queue, "part_spread");
      }
      await stop();
    });

    it("jobs with one `partitionKey` go to one partition and run in the order they were enqueued", async () => {
      const order: string[] = [];
      const worker = h.worker({ concurrency: 1 });
      worker.actor(async function part_ordered(key: string, i: number) {
        order.push(`${key}${i}`);
        return await Promise.resolve(i);
      }, { queue: "part_fifo", partitions: 4 });
      const stop = await started(h, worker);
      const producer = h.producer();
      const jobs: Job[] = [];
      for (let i = 0; i < 10; i++) {
        for (const key of ["a", "b", "c"]) {
          jobs.push(
            await producer.enqueueJob("part_ordered", {
              args: [key, i],
              queue: "part_fifo",
              partitionKey: `customer-${key}`,
            }),
          );
        }
      }
      await Promise.all(jobs.map((j) => j.waitResult({ timeoutMs: 20_000 })));
      for (const key of ["a", "b", "c"]) {
        const mine = jobs.filter((_, i) => i % 3 === ["a", "b", "c"].indexOf(key));
        assert.equal(new Set(mine.map((j) => j.partition)).size, 1, `one partition for ${key}`);
        const ran = order.filter((o) => o.startsWith(key));
        assert.deepEqual(ran, Array.from({ length: 10 }, (_, i) => `${key}${i}`));
      }
      await stop();
    });

    it("a custom jobId deduplicates on a partitioned queue; `getJob()` finds the job in its partition", async () => {
      const worker = h.worker();
      worker.actor(async function part_unique() {
        return await Promise.resolve("ok");
      }, { queue: "part_ids", partitions: 5 });
      const stop = await started(h, worker);
      const producer = h.producer();
      // Deferred, so that the first job is still unfinished when the second enqueue arrives.
      const first = await producer.enqueueJob("part_unique", {
        queue: "part_ids",
        jobId: "part-unique-1",
        deferUntil: Date.now() + 60_000,
      });
      const second = await producer.enqueueJob("part_unique", {
        queue: "part_ids",
        jobId: "part-unique-1",
      });
      assert.equal(first.created, true);
      assert.equal(second.created, false);
      assert.equal(second.partition, first.partition);
      const found = await producer.getJob("part-unique-1", { queue: "part_ids" });
      assert.ok(found);
      assert.equal(found.queue, "part_ids");
      assert.equal(found.partition, first.partition);
      const info = await found.info();
      assert.equal(info?.status, "deferred");
      assert.equal(info?.queue, "part_ids");
      await stop();
    });

    it("a worker whose actors declare another count than the recorded one does not start: PartitionsMismatchError", async () => {
      const first = h.worker();
      first.actor(async function part_first() {}, { queue: "part_agree", partitions: 4 });
      const stop = await started(h, first);
      for (const declared of [2, undefined]) {
        const other = h.worker();
        other.actor(async function part_other() {}, {
          queue: "part_agree",
          ...(declared === undefined ? {} : { partitions: declared }),
        });
        await assert.rejects(other.runForever({ handleSignals: false }), (error: unknown) => {
          assert.ok(error instanceof PartitionsMismatchError, String(error));
          assert.equal(error.queue, "part_agree");
          assert.equal(error.recorded, 4);
          assert.equal(error.declared, declared ?? 1);
          assert.match(
            error.message,
            new RegExp(
              `queue "part_agree" has 4 partitions recorded in the store, but its actor declares partitions: ${
                declared ?? 1
              }`,
            ),
          );
          return true;
        });
      }
      await stop();
    });

    it("jobs enqueued before the queue's first worker recorded its count wait on partition 0, which the worker runs", async () => {
      const producer = h.producer();
      const early = await producer.enqueueJob("part_early", { queue: "part_late" });
      assert.equal(early.partition, 0);
      const worker = h.worker();
      worker.actor(async function part_early() {
        return await Promise.resolve("ran");
      }, { queue: "part_late", partitions: 3 });
      const stop = await started(h, worker);
      assert.equal((await early.waitResult({ timeoutMs: 20_000 })).value, "ran");
      // A producer that starts now reads the recorded count.
      const later = h.producer();
      const jobs = await Promise.all(
        [0, 1, 2].map(() => later.enqueueJob("part_early", { queue: "part_late" })),
      );
      assert.deepEqual(jobs.map((j) => j.partition), [0, 1, 2]);
      await Promise.all(jobs.map((j) => j.waitResult({ timeoutMs: 20_000 })));
      await stop();
    });

    it("an actor definition's `partitions` declares the count for its producer: jobs spread before any worker starts; another count is refused", async () => {
      const send = defineActor(async function part_defined() {
        return await Promise.resolve("sent");
      }, { queue: "part_defined_q", partitions: 3 });
      const producer = h.producer();
      const jobs = await Promise.all([0, 1, 2, 3].map(() => producer.enqueueJob(send)));
      assert.deepEqual(jobs.map((j) => j.partition), [0, 1, 2, 0]);
      const other = defineActor(async function part_defined_other() {}, {
        queue: "part_defined_q",
        partitions: 2,
      });
      await assert.rejects(
        h.producer().enqueueJob(other, { jobId: "part-refused" }),
        (error: unknown) =>
          error instanceof PartitionsMismatchError && error.recorded === 3 &&
          /^Cannot enqueue job: queue "part_defined_q" has 3 partitions recorded/.test(
            error.message,
          ),
      );
      assert.equal(await producer.getJob("part-refused", { queue: "part_defined_q" }), null);
      const worker = h.worker();
      worker.actor(send);
      const stop = await started(h, worker);
      const results = await Promise.all(jobs.map((j) => j.waitResult({ timeoutMs: 20_000 })));
      assert.deepEqual(results.map((r) => r.value), ["sent", "sent", "sent", "sent"]);
      await stop();
    });

    it("`q.counts()`, `q.jobs()`, `q.purge()` and `producer.queues()` cover every partition of a partitioned queue", async () => {
      const spread = defineActor(async function part_counted() {}, {
        queue: "part_counts",
        partitions: 3,
      });
      const producer = h.producer();
      const jobs = await producer.enqueueJobs(
        Array.from({ length: 7 }, (_, i) => ({ actor: spread, args: [i] })),
      );
      assert.deepEqual(new Set(jobs.map((j) => j.partition)), new Set([0, 1, 2]));
      const q = producer.queue("part_counts");
      assert.equal((await q.counts()).queued, 7);
      const listed = (await producer.queues()).filter((x) => x.name.startsWith("part_counts"));
      assert.deepEqual(listed.map((x) => [x.name, x.counts.queued]), [["part_counts", 7]]);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await q.jobs({ state: "queued", limit: 2, cursor });
        seen.push(...page.jobs.map((j) => j.id));
        for (const j of page.jobs) assert.equal(j.queue, "part_counts");
        cursor = page.cursor;
        if (!cursor) break;
      }
      assert.deepEqual(seen.sort(), jobs.map((j) => j.id).sort());
      assert.equal(await q.purge({ state: "queued" }), 7);
      assert.equal((await q.counts()).queued, 0);
    });

    it("`job.cancel()` and `q.pause()` reach the job's partition: a paused partitioned queue runs nothing until resumed", async () => {
      const act = defineActor(async function part_paused() {
        return await Promise.resolve("ran");
      }, { queue: "part_pause", partitions: 3 });
      const producer = h.producer();
      const [first] = await producer.enqueueJobs([{ actor: act }]);
      const q = producer.queue("part_pause");
      assert.equal(await q.pause(), true);
      assert.equal(await q.isPaused(), true);
      const jobs = await producer.enqueueJobs([0, 1, 2, 3].map(() => ({ actor: act })));
      const doomed = jobs.find((j) => j.partition !== 0)!;
      assert.deepEqual(await doomed.cancel(), { cancelled: true, status: "cancelled" });
      const worker = h.worker();
      worker.actor(act);
      const stop = await started(h, worker);
      assert.equal((await q.counts()).queued, 4); // paused: nothing ran
      assert.equal(await q.resume(), true);
      const rest = [first, ...jobs.filter((j) => j !== doomed)];
      const results = await Promise.all(rest.map((j) => j.waitResult({ timeoutMs: 20_000 })));
      assert.deepEqual(results.map((r) => r.value), ["ran", "ran", "ran", "ran"]);
      assert.equal((await doomed.waitResult({ timeoutMs: 20_000 })).status, "cancelled");
      await stop();
    });
  });
}

describe("partitions options", () => {
  it("`defineActor()` refuses a partition count that is not an integer from 1 to 256", () => {
    for (const bad of [0, 257, 1.5, "4"]) {
      assert.throws(
        () => defineActor(async function part_bad() {}, { partitions: bad as number }),
        (error: unknown) =>
          error instanceof RangeError &&
          /Cannot define actor "part_bad": partitions must be an integer from 1 to 256, got /
            .test(error.message),
      );
    }
  });

  it("`worker.actor()` refuses an actor whose queue another actor declared with another count", () => {
    for (const backend of backends.slice(0, 1)) {
      const h = backend.open();
      const worker = h.worker();
      worker.actor(async function part_a() {}, { queue: "part_mixed", partitions: 2 });
      assert.throws(
        () => worker.actor(async function part_b() {}, { queue: "part_mixed" }),
        /Cannot register actor "part_b": it declares partitions: 1 for queue "part_mixed", but actor "part_a" of that queue declares 2/,
      );
      void h.close();
    }
  });

  it("`enqueueJob()` refuses a `partitionKey` that is not a string of 1 to 256 characters", async () => {
    const h = backends[0].open();
    const producer = h.producer();
    for (const bad of ["", "k".repeat(257), 42]) {
      await assert.rejects(
        producer.enqueueJob("part_any", { partitionKey: bad as string }),
        /Cannot enqueue job: partitionKey must be a string of 1 to 256 characters, got /,
      );
    }
    await h.close();
  });
});
