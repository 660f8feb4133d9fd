// deno-lint-ignore-file require-await -- actors are async functions, as in the guide
/**
 * Contract tests: length limits are counted in bytes of UTF-8, as the store
 * counts them, on every backend; and a queue entry fetch cannot take (an id
 * too long for a job id, written by an older version or by hand) ends with
 * its own record dead and its waiters told.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { days } from "../../mod.ts";
import { ResultWaiter } from "../../src/producer/result_waiter.ts";
import { backends, type Harness } from "../support/harness.ts";

for (const backend of backends) {
  describe(`[${backend.name}] limits in bytes`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("`enqueueJob()` refuses a 256-character job id of more than 256 bytes, naming the unit", async () => {
      const producer = h.producer();
      await assert.rejects(
        producer.enqueueJob("echo", { jobId: "é".repeat(256) }),
        (e: Error) =>
          e instanceof TypeError &&
          e.message.startsWith("Cannot enqueue job: job id ") &&
          e.message.includes(
            "is 512 bytes long in UTF-8 (256 characters), expected at most 256 bytes",
          ),
      );
      await assert.rejects(
        producer.enqueueJob("echo", { jobId: "😀".repeat(65) }),
        /260 bytes long in UTF-8 \(130 characters\)/,
      );
      await assert.rejects(
        producer.enqueueJobs([{ actor: "echo", jobId: "é".repeat(200) }]),
        /item 0: .*400 bytes long/,
      );
      await assert.rejects(
        producer.enqueueJob("echo", { jobId: "a\uD800b" }),
        (e: Error) => e instanceof TypeError && /not well-formed Unicode/.test(e.message),
      );
      await assert.rejects(
        producer.getJob("é".repeat(129)),
        /Cannot get job: job id .* 258 bytes long/,
      );
    });

    it("a job id of exactly 256 bytes is accepted and its job runs", async () => {
      const worker = h.worker();
      worker.actor(async function echo_id(this: { jobId: string }) {
        return this.jobId;
      }, { queue: "bytes-ok" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      for (const id of ["é".repeat(128), "😀".repeat(64), "x".repeat(256)]) {
        const job = await producer.enqueueJob("echo_id", { queue: "bytes-ok", jobId: id });
        const result = await job.waitResult({ timeoutMs: 20_000 });
        assert.equal(result.status, "done", JSON.stringify(result.error));
        assert.equal(result.value, id);
      }
      await worker.stop();
      await running;
    });

    it("a recurring job's id is limited to 200 bytes, so its occurrence ids fit", async () => {
      const producer = h.producer();
      await assert.rejects(
        producer.enqueueJob("echo", { jobId: "é".repeat(101), deferBy: days(1) }),
        (e: Error) =>
          e instanceof TypeError &&
          /is 202 bytes long in UTF-8 \(101 characters\), expected at most 200 bytes/.test(
            e.message,
          ),
      );
      const schedule = await producer.enqueueJob("echo", {
        jobId: "é".repeat(100),
        deferBy: days(1),
      });
      assert.equal(schedule.id, "é".repeat(100));
      await schedule.cancel();
    });

    it("an over-long entry in the ready list ends with its own record dead and its wait told", async () => {
      const store = h.backend();
      const long = "é".repeat(256); // 512 bytes: accepted by versions that counted characters
      // Written as an older producer would have: straight to the store, past today's checks.
      const outcomes = await store.enqueue([
        { id: long, customId: true, queue: "overlong", actor: "echo", argsJson: "[]", dueAt: 0 },
        { id: "after", customId: true, queue: "overlong", actor: "echo", argsJson: "[]", dueAt: 0 },
      ]);
      assert.deepEqual(outcomes.map((o) => o.created), [true, true]);
      // A wait that only a notification can end: its safety-net re-read is an hour away.
      const waiter = new ResultWaiter(store, 3_600_000);
      try {
        const waiting = waiter.wait("overlong", long, { timeoutMs: 20_000 });
        assert.equal((await store.getJob("overlong", long))?.status, "queued");
        const worker = h.worker();
        worker.actor(async function echo() {
          return "ran";
        }, { queue: "overlong" });
        const running = worker.runForever({ handleSignals: false });
        const result = await waiting;
        assert.equal(result.status, "dead");
        assert.equal(result.reason, "malformed");
        assert.equal(result.error?.name, "MalformedJobError");
        assert.match(result.error?.message ?? "", /is 512 bytes long, expected at most 256 bytes/);
        const info = await store.getJob("overlong", long);
        assert.equal(info?.status, "dead", "the job's own record is final");
        assert.equal(info?.result?.reason, "malformed");
        const next = await waiter.wait("overlong", "after", { timeoutMs: 20_000 });
        assert.equal(next.value, "ran", "the queue goes on past the bad entry");
        await worker.stop();
        await running;
      } finally {
        await waiter.close();
      }
    });
  });
}
