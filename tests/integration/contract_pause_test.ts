// deno-lint-ignore-file require-await -- actors are async functions, as in the guide
/**
 * Contract tests of `producer.queue()` and pausing (issue 14, points 5 and
 * 7) with the worker in this process, on every backend;
 * `redis_pause_test.ts` runs the worker in another process.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProducerClosedError, QueueNotFoundError } from "../../mod.ts";
import { backends, type Harness } from "../support/harness.ts";

for (const backend of backends) {
  describe(`[${backend.name}] producer.queue() pause and resume`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("`Queue.pause()` holds the queue's jobs while the other queues run; `resume()` lets them run", async () => {
      const producer = h.producer();
      const held = await producer.enqueueJob("held", { queue: "paused-q" });
      const q = producer.queue("paused-q");
      assert.equal(q.name, "paused-q");
      assert.equal(await q.isPaused(), false);
      assert.equal(await q.pause(), true);
      assert.equal(await q.pause(), false, "already paused");
      const worker = h.worker();
      worker.actor(async function held() {
        return "held";
      }, { queue: "paused-q" });
      worker.actor(async function free() {
        return "free";
      }, { queue: "free-q" });
      const running = worker.runForever({ handleSignals: false });
      const free = await producer.enqueueJob("free", { queue: "free-q" });
      assert.equal((await free.waitResult({ timeoutMs: 10_000 })).value, "free");
      assert.equal(await held.status(), "queued");
      assert.equal(await producer.queue("free-q").isPaused(), false, "one queue only");
      const listed = await producer.queues();
      assert.deepEqual(listed.map((l) => [l.name, l.paused]).sort(), [
        ["free-q", false],
        ["paused-q", true],
      ]);
      assert.equal(await q.resume(), true);
      assert.equal(await q.resume(), false, "not paused any more");
      assert.equal((await held.waitResult({ timeoutMs: 10_000 })).value, "held");
      await worker.stop();
      await running;
    });

    it("`Queue.pause()`, `resume()` and `isPaused()` of a queue no job was added to reject with QueueNotFoundError", async () => {
      const q = h.producer().queue("never-used");
      for (const call of [() => q.pause(), () => q.resume(), () => q.isPaused()]) {
        await assert.rejects(
          call(),
          (e: Error) => e instanceof QueueNotFoundError && e.message.includes('"never-used"'),
        );
      }
    });

    it("`producer.queue()` refuses a malformed queue name, naming it", () => {
      const producer = h.producer();
      assert.throws(
        () => producer.queue("bad name"),
        (e: Error) => e instanceof TypeError && e.message.includes('"bad name"'),
      );
      assert.throws(
        () => producer.queue(42 as unknown as string),
        (e: Error) => e instanceof TypeError && e.message.includes("42"),
      );
    });

    it("`Queue` pause calls reject with ProducerClosedError once the producer is closed", async () => {
      const producer = h.producer();
      const q = producer.queue("closed-q");
      await producer.close();
      await assert.rejects(q.pause(), ProducerClosedError);
      await assert.rejects(q.resume(), ProducerClosedError);
      await assert.rejects(q.isPaused(), ProducerClosedError);
    });
  });
}
