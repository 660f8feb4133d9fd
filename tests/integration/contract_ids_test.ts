/**
 * Contract tests: job ids are unique per queue, so one custom id may be used
 * on two queues at once, by the same producer and the same worker.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { backends, type Harness } from "../support/harness.ts";
import { latch } from "../support/wait.ts";

for (const backend of backends) {
  describe(`[${backend.name}] one custom id on two queues`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("two running jobs with the same id on queues a and b both finish with their own values", async () => {
      // Short leases, renewed while the jobs run: renewal and stale-run
      // detection must tell the two jobs apart.
      const worker = h.worker({ concurrency: 4, leaseMs: 300, maxStalls: 1 });
      const started = { a: latch(), b: latch() };
      const release = latch();
      const aborted: string[] = [];
      const handler = (queue: "a" | "b") =>
        async function (this: { signal: AbortSignal }, value: string): Promise<string> {
          const signal = this.signal;
          started[queue].open();
          await Promise.race([
            release.opened,
            new Promise((resolve) => signal.addEventListener("abort", resolve)),
          ]);
          if (signal.aborted) aborted.push(`${queue}: ${signal.reason}`);
          return `${queue}:${value}`;
        };
      worker.actor(handler("a"), { name: "long_a", queue: "a" });
      worker.actor(handler("b"), { name: "long_b", queue: "b" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const [jobA, jobB] = await Promise.all([
        producer.enqueueJob("long_a", { queue: "a", jobId: "same", args: ["one"] }),
        producer.enqueueJob("long_b", { queue: "b", jobId: "same", args: ["two"] }),
      ]);
      assert.equal(jobA.created, true);
      assert.equal(jobB.created, true);
      await Promise.all([started.a.opened, started.b.opened]);
      assert.equal(worker.runningCount, 2);
      // Both keep running across several lease renewals.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      release.open();
      const [a, b] = await Promise.all([jobA.result, jobB.result]);
      assert.deepEqual(aborted, []);
      assert.equal(a.status, "done");
      assert.equal(a.queue, "a");
      assert.equal(a.value, "a:one");
      assert.equal(a.deliveries, 1);
      assert.equal(b.status, "done");
      assert.equal(b.queue, "b");
      assert.equal(b.value, "b:two");
      assert.equal(b.deliveries, 1);
      const got = await producer.getJob("same", { queue: "b" });
      assert.equal((await got?.getResult())?.value, "b:two");
      await worker.stop();
      await running;
    });
  });
}
