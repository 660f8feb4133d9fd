/**
 * Contract tests: one worker serving many queues, on every backend: it is
 * woken by work on any of them while idle (past 8 queues through the
 * store's wake-ups), and a queue with a backlog does not hold up the others.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { backends, type Harness } from "../support/harness.ts";
import { waitFor } from "../support/wait.ts";

for (const backend of backends) {
  describe(`[${backend.name}] one worker, many queues`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("a worker of 20 idle queues is woken by a job on any of them, not at the end of its idle wait", async () => {
      // The idle wait outlasts the result's timeout: only a wake-up runs the jobs in time.
      const worker = h.worker({ idleMs: 120_000 });
      for (let q = 0; q < 20; q++) {
        worker.actor(async function wake_probe(): Promise<number> {
          return await Promise.resolve(q);
        }, { name: `wake_probe_${q}`, queue: `wake_${q}` });
      }
      const running = worker.runForever({ handleSignals: false });
      await waitFor("the worker registered", async () => (await h.backend().listWorkers!()).length);
      const producer = h.producer();
      for (const q of [17, 3, 17, 19]) {
        const job = await producer.enqueueJob(`wake_probe_${q}`, { queue: `wake_${q}` });
        assert.equal((await job.waitResult({ timeoutMs: 20_000 })).value, q);
      }
      await worker.stop({ graceMs: 0 });
      await running;
    });

    it("a queue with a backlog does not hold up another queue of the same worker", async () => {
      const started: string[] = [];
      const worker = h.worker({ concurrency: 4 });
      worker.actor(async function backlog_job(i: number) {
        started.push(`backlog${i}`);
        return await Promise.resolve(i);
      }, { queue: "fair_backlog" });
      for (let q = 0; q < 11; q++) {
        worker.actor(async function other_job() {
          started.push(`other${q}`);
          return await Promise.resolve(q);
        }, { name: `fair_other_${q}`, queue: `fair_other_${q}` });
      }
      const producer = h.producer();
      const backlog = await producer.enqueueJobs(
        Array.from(
          { length: 400 },
          (_, i) => ({ actor: "backlog_job", args: [i], queue: "fair_backlog" }),
        ),
      );
      const other = await producer.enqueueJob("fair_other_7", { queue: "fair_other_7" });
      const running = worker.runForever({ handleSignals: false });
      await other.waitResult({ timeoutMs: 20_000 });
      await Promise.all(backlog.map((j) => j.waitResult({ timeoutMs: 60_000 })));
      const at = started.indexOf("other7");
      assert.ok(at >= 0 && at < 100, `the other queue's job started ${at}th of ${started.length}`);
      await worker.stop({ graceMs: 0 });
      await running;
    });
  });
}
