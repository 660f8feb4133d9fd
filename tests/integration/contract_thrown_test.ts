/**
 * Contract tests: whatever an actor throws (on the event loop or on a
 * thread), the attempt fails with a stored description, the actor's retries
 * apply, and the job ends `failed`, never left `in_progress`.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { backends, type Harness } from "../support/harness.ts";
import { hostileThrowables } from "../support/hostile_throwables.ts";
import { unreadableResult } from "./fixtures/threads/throwers.ts";

// Literal URL, so that the Node run of the tests (scripts/test_node.ts) maps it to .js.
const throwers = new URL("./fixtures/threads/throwers.ts", import.meta.url);
const hostile = hostileThrowables();

for (const backend of backends) {
  describe(`[${backend.name}] anything an actor throws`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("fails each attempt with a description, retries, and ends failed", async () => {
      // A short lease: a job wrongly left in_progress would be redelivered
      // (deliveries > 1) or dead-lettered as stalled within the test.
      const worker = h.worker({ threads: 1, concurrency: 20, leaseMs: 500, maxStalls: 1 });
      worker.actor(async function throw_hostile(index: number): Promise<never> {
        await Promise.resolve();
        throw hostile[index].value();
      }, { retries: 1 });
      worker.actor(throwers, { export: "throwHostile", name: "thread_throw_hostile", retries: 1 });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const jobs = await Promise.all(
        ["throw_hostile", "thread_throw_hostile"].flatMap((actor) =>
          hostile.map((_, index) => producer.enqueueJob(actor, { args: [index] }))
        ),
      );
      const results = await Promise.all(jobs.map((job) => job.waitResult({ timeoutMs: 20_000 })));
      results.forEach((result, n) => {
        const { label, message } = hostile[n % hostile.length];
        const where = `${result.actor}: ${label}`;
        assert.equal(result.status, "failed", where);
        assert.equal(result.attempts, 2, where);
        assert.equal(result.deliveries, 1, where);
        assert.equal(result.errors.length, 2, where);
        assert.equal(typeof result.error?.name, "string", where);
        assert.match(result.error?.message ?? "", message, where);
        assert.match(result.errors[0].message, message, where);
      });
      await worker.stop();
      await running;
    });

    it("fails a job whose result cannot be inspected, on a thread without a crash", async () => {
      const worker = h.worker({ threads: 1, leaseMs: 500, maxStalls: 1 });
      worker.actor(async function return_unreadable(): Promise<unknown> {
        await Promise.resolve();
        return unreadableResult();
      }, { queue: "unreadable" });
      worker.actor(throwers, {
        export: "returnUnreadable",
        name: "thread_return_unreadable",
        queue: "unreadable",
      });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const jobs = await Promise.all(
        ["return_unreadable", "thread_return_unreadable"].map((actor) =>
          producer.enqueueJob(actor, { queue: "unreadable" })
        ),
      );
      for (const job of jobs) {
        const result = await job.waitResult({ timeoutMs: 20_000 });
        assert.equal(result.status, "failed", job.actor);
        assert.equal(result.deliveries, 1, job.actor);
        assert.match(result.error?.message ?? "", /no reading x/, job.actor);
      }
      // On a thread: a failed run, not a crash of the thread.
      const threaded = await jobs[1].result;
      assert.equal(threaded.error?.name, "NonJsonResultError");
      await worker.stop();
      await running;
    });
  });
}
