/**
 * The worker's rules for store writes that fail, on any store (here the
 * in-memory one, made to fail): a write the store refuses for good
 * (`StoreRefusedError`) is given up after three tries and the job left to
 * its lease; a write the store cannot take for now (`StoreUnavailableError`)
 * is retried until it lands, and the worker leases no new job meanwhile.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type Completion,
  type Logger,
  MemoryBackend,
  Repid,
  StoreRefusedError,
  StoreUnavailableError,
  Worker,
} from "../../mod.ts";
import { waitFor } from "../support/wait.ts";

/** A memory store whose acks fail with `failure()` while it is set. */
class FailingAcks extends MemoryBackend {
  failure: (() => Error) | undefined;
  attempts = 0;
  override complete(queue: string, completions: Completion[]): Promise<boolean[]> {
    if (this.failure) {
      this.attempts++;
      return Promise.reject(this.failure());
    }
    return super.complete(queue, completions);
  }
}

/** A logger that keeps every message. */
function recordingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const log = (message: string) => void messages.push(message);
  return { messages, debug: log, info: log, warn: log, error: log };
}

describe("Worker and failing store writes (memory store)", () => {
  it("gives up an ack refused three times (StoreRefusedError) and leaves the job to its lease", async () => {
    const backend = new FailingAcks();
    backend.failure = () => new StoreRefusedError("complete jobs", new Error("corrupt record"));
    const logger = recordingLogger();
    const worker = new Worker(null, { backend, logger });
    worker.actor(async function quick() {
      return await Promise.resolve(1);
    });
    const producer = new Repid(null, { backend });
    const running = worker.runForever({ handleSignals: false });
    try {
      const job = await producer.enqueueJob("quick");
      await waitFor(
        "the worker to give up",
        () => logger.messages.some((m) => /keeps refusing; leaving it to its lease/.test(m)),
      );
      assert.equal(backend.attempts, 3);
      assert.equal((await job.info())?.status, "in_progress", "left to its lease");
    } finally {
      backend.failure = undefined;
      await worker.stop({ graceMs: 0 });
      await running;
      await producer.close();
      await backend.close();
    }
  });

  it("retries an ack the store cannot take for now (StoreUnavailableError) until it lands, leasing nothing meanwhile", async () => {
    const backend = new FailingAcks();
    backend.failure = () =>
      new StoreUnavailableError("complete jobs", "out_of_memory", new Error("OOM"));
    const worker = new Worker(null, { backend, concurrency: 2, logger: "silent" });
    const ran: string[] = [];
    worker.actor(async function quick(name: string) {
      ran.push(name);
      return await Promise.resolve(name);
    });
    const producer = new Repid(null, { backend });
    const running = worker.runForever({ handleSignals: false });
    try {
      const first = await producer.enqueueJob("quick", { args: ["first"] });
      await waitFor("the first ack to fail", () => backend.attempts > 0);
      const second = await producer.enqueueJob("quick", { args: ["second"] });
      const triesBefore = backend.attempts;
      await waitFor("3 more tries of the ack", () => backend.attempts >= triesBefore + 3);
      assert.deepEqual(ran, ["first"], "no job was leased while the ack was failing");
      backend.failure = undefined;
      assert.equal((await first.result).value, "first");
      assert.equal((await second.result).value, "second");
      assert.deepEqual(ran, ["first", "second"]);
    } finally {
      backend.failure = undefined;
      await worker.stop();
      await running;
      await producer.close();
      await backend.close();
    }
  });

  it("reports each failed write on `error` (kind store), counts it in the metrics, and is not ready meanwhile", async () => {
    const backend = new FailingAcks();
    backend.failure = () =>
      new StoreUnavailableError("complete jobs", "out_of_memory", new Error("OOM"));
    const worker = new Worker(null, { backend, logger: "silent" });
    worker.actor(async function quick() {
      return await Promise.resolve(1);
    });
    const errors: { kind: string; action: string; error: unknown; queue?: string; id?: string }[] =
      [];
    worker.on("error", (e) => errors.push(e));
    const producer = new Repid(null, { backend });
    const running = worker.runForever({ handleSignals: false });
    try {
      const job = await producer.enqueueJob("quick");
      await waitFor("two failed acks", () => backend.attempts >= 2);
      assert.ok(errors.length >= 2);
      const [first] = errors;
      assert.deepEqual([first.kind, first.action, first.queue, first.id], [
        "store",
        "complete job",
        "default",
        job.id,
      ]);
      assert.ok(first.error instanceof StoreUnavailableError);
      assert.equal(worker.health().ready, false, "not ready while writes are retried");
      const readyz = await worker.fetchHandler(new Request("http://worker/readyz"));
      assert.equal(readyz.status, 503);
      await readyz.body?.cancel();
      backend.failure = undefined;
      await job.result;
      await waitFor("ready again", () => worker.health().ready);
      const counted = /\nrepid_store_errors_total (\d+)\n/.exec(await worker.metrics());
      assert.ok(Number(counted?.[1]) >= 2, `counted: ${counted?.[1]}`);
    } finally {
      backend.failure = undefined;
      await worker.stop();
      await running;
      await producer.close();
      await backend.close();
    }
  });
});
