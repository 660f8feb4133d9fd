/**
 * Contract tests: the workers' registry, and what it tells producers and
 * workers about actors nobody serves (a mistyped name must not hang in
 * silence), on every backend.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type Logger, UnknownActorError, type Worker } from "../../mod.ts";
import { backends, type Harness } from "../support/harness.ts";
import { waitFor } from "../support/wait.ts";

/** A logger that keeps what it was told. */
function recordingLogger(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

async function registered(h: Harness, count: number) {
  return await waitFor(
    `${count} registered worker(s)`,
    async () => {
      const workers = await h.backend().listWorkers!();
      return workers.length === count ? workers : undefined;
    },
  );
}

function servingWorker(h: Harness, options = {}): Worker {
  const worker = h.worker({ concurrency: 3, ...options });
  worker.actor(async function registry_known(): Promise<string> {
    return await Promise.resolve("known");
  });
  worker.actor(async function registry_other(): Promise<string> {
    return await Promise.resolve("other");
  }, { queue: "registry_q2" });
  return worker;
}

for (const backend of backends) {
  describe(`[${backend.name}] workers' registry`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("a running worker is listed with its host, pid, queues, actors and concurrency; stop removes it", async () => {
      const worker = servingWorker(h);
      const running = worker.runForever({ handleSignals: false });
      const [info] = await registered(h, 1);
      assert.deepEqual(info.queues.sort(), ["default", "registry_q2"]);
      assert.deepEqual(info.actors, {
        default: ["registry_known"],
        registry_q2: ["registry_other"],
      });
      assert.equal(info.concurrency, 3);
      assert.equal(typeof info.host, "string");
      assert.ok(info.host.length > 0);
      assert.equal(typeof info.pid, "number");
      assert.ok(info.startedAt > 0 && info.lastSeenAt >= info.startedAt, JSON.stringify(info));
      await worker.stop({ graceMs: 0 });
      await running;
      assert.deepEqual(await h.backend().listWorkers!(), []);
    });

    it('unknownActors "refuse": an actor no running worker has on that queue is refused, nothing stored', async () => {
      const producer = h.producer({ unknownActors: "refuse" });
      await assert.rejects(
        producer.enqueueJob("registry_known", { jobId: "refused-before-start" }),
        (error: unknown) => {
          assert.ok(error instanceof UnknownActorError, String(error));
          assert.equal(error.actor, "registry_known");
          assert.equal(error.queue, "default");
          assert.match(
            error.message,
            /no running worker has actor "registry_known" on queue "default" \(no worker is running\)/,
          );
          return true;
        },
      );
      assert.equal(await producer.getJob("refused-before-start"), null);

      const worker = servingWorker(h);
      const running = worker.runForever({ handleSignals: false });
      await registered(h, 1);
      const job = await producer.enqueueJob("registry_known");
      assert.equal((await job.waitResult({ timeoutMs: 20_000 })).value, "known");
      await assert.rejects(
        producer.enqueueJob("registry_knwon", { jobId: "typo" }),
        /no running worker has actor "registry_knwon" on queue "default" \(running workers serve registry_known \(default\), registry_other \(registry_q2\)\)/,
      );
      await assert.rejects(
        producer.enqueueJobs([{ actor: "registry_known" }, {
          actor: "registry_known",
          queue: "registry_q2",
        }]),
        /actor "registry_known" on queue "registry_q2"/,
      );
      assert.equal(await producer.getJob("typo"), null);
      await worker.stop({ graceMs: 0 });
      await running;
    });

    it('unknownActors "warn" (the default): one warning per actor and queue when workers run but none has it', async () => {
      const log = recordingLogger();
      const producer = h.producer({ logger: log });
      const worker = servingWorker(h);
      const running = worker.runForever({ handleSignals: false });
      await registered(h, 1);
      await producer.enqueueJob("registry_known");
      await producer.enqueueJob("registry_typo", { queue: "registry_q2" });
      await producer.enqueueJob("registry_typo", { queue: "registry_q2" });
      const warning = await waitFor(
        "the producer's warning",
        () => log.lines.find((l) => l.level === "warn"),
      );
      assert.match(
        warning.message,
        /no running worker has actor "registry_typo" on queue "registry_q2"/,
      );
      await producer.enqueueJob("registry_typo", { queue: "registry_q2" });
      assert.equal(
        log.lines.filter((l) => l.level === "warn").length,
        1,
        JSON.stringify(log.lines),
      );
      await worker.stop({ graceMs: 0 });
      await running;
    });

    it("a worker warns the first time it meets an actor it lacks, naming actor and queue, then stays quiet", async () => {
      const log = recordingLogger();
      const worker = servingWorker(h, { logger: log, unknownActorDelayMs: 10 });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer({ unknownActors: "ignore" });
      const job = await producer.enqueueJob("registry_nobody");
      const warning = await waitFor(
        "the worker's warning",
        () => log.lines.find((l) => l.level === "warn" && /registry_nobody/.test(l.message)),
      );
      assert.match(warning.message, /no actor "registry_nobody" on queue "default" in this worker/);
      // Delivered again and again (every 10 ms): put back at debug level, no second warning.
      await waitFor("more deliveries", async () => ((await job.info())?.deliveries ?? 0) >= 3);
      assert.equal(
        log.lines.filter((l) => l.level === "warn" && /registry_nobody/.test(l.message)).length,
        1,
      );
      await worker.stop({ graceMs: 0 });
      await running;
    });
  });
}
