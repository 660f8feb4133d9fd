// deno-lint-ignore-file require-await -- actors are async functions, as in the guide
/**
 * OpenTelemetry: the `send <queue>` and `process <queue>` spans of jobs,
 * recorded by an in-memory exporter of the OpenTelemetry SDK, on each store.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { backends, type Harness } from "../support/harness.ts";
import { waitFor } from "../support/wait.ts";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

/** The finished spans about job `id`. */
function spansOf(id: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((s) => s.attributes["messaging.message.id"] === id);
}

describe("tracing", () => {
  before(() => {
    trace.setGlobalTracerProvider(provider);
  });
  after(async () => {
    trace.disable();
    await provider.shutdown();
  });

  for (const backend of backends) {
    describe(`[${backend.name}] send and process spans`, () => {
      let h: Harness;
      before(() => {
        h = backend.open();
      });
      after(async () => {
        await h.close();
      });

      it("a job that succeeds: a PRODUCER send span, then a CONSUMER process span as its child", async () => {
        const worker = h.worker();
        worker.actor(async function traced(n: number) {
          return n + 1;
        }, { queue: "tr-ok" });
        const running = worker.runForever({ handleSignals: false });
        const job = await h.producer().enqueueJob("traced", { queue: "tr-ok", args: [1] });
        assert.equal((await job.result).value, 2);
        const spans = await waitFor("both spans", () => {
          const found = spansOf(job.id);
          return found.length === 2 ? found : undefined;
        });
        // the worker may end its span before the enqueue call has returned: find them by kind
        const send = spans.find((s) => s.kind === SpanKind.PRODUCER)!;
        const process = spans.find((s) => s.kind === SpanKind.CONSUMER)!;
        assert.equal(send.name, "send tr-ok");
        assert.equal(send.kind, SpanKind.PRODUCER);
        assert.deepEqual(send.attributes, {
          "messaging.system": "repid",
          "messaging.destination.name": "tr-ok",
          "messaging.operation.type": "send",
          "messaging.operation.name": "send",
          "messaging.message.id": job.id,
          "repid.actor": "traced",
        });
        assert.equal(process.name, "process tr-ok");
        assert.equal(process.kind, SpanKind.CONSUMER);
        assert.deepEqual(process.attributes, {
          "messaging.system": "repid",
          "messaging.destination.name": "tr-ok",
          "messaging.operation.type": "process",
          "messaging.operation.name": "process",
          "messaging.message.id": job.id,
          "repid.actor": "traced",
          "repid.attempt": 1,
        });
        assert.equal(process.spanContext().traceId, send.spanContext().traceId, "one trace");
        assert.equal(process.parentSpanContext?.spanId, send.spanContext().spanId, "its parent");
        assert.equal(process.parentSpanContext?.isRemote, true, "carried by the job");
        assert.equal(process.status.code, SpanStatusCode.UNSET);
        await worker.stop();
        await running;
      });

      it("a job that fails then succeeds on its retry: one process span per attempt, the error recorded", async () => {
        const worker = h.worker();
        let calls = 0;
        worker.actor(async function flaky_traced() {
          if (++calls === 1) throw new RangeError("first attempt fails");
          return "ok";
        }, { queue: "tr-retry", retries: 1, backoff: { type: "fixed", delayMs: 1 } });
        const running = worker.runForever({ handleSignals: false });
        const job = await h.producer().enqueueJob("flaky_traced", { queue: "tr-retry" });
        assert.equal((await job.result).attempts, 2);
        const spans = await waitFor("three spans", () => {
          const s = spansOf(job.id);
          return s.length === 3 ? s : undefined;
        });
        const send = spans.find((s) => s.kind === SpanKind.PRODUCER)!;
        const attempts = spans.filter((s) => s.kind === SpanKind.CONSUMER)
          .sort((a, b) =>
            Number(a.attributes["repid.attempt"]) - Number(b.attributes["repid.attempt"])
          );
        assert.deepEqual(attempts.map((s) => s.attributes["repid.attempt"]), [1, 2]);
        for (const a of attempts) {
          assert.equal(a.parentSpanContext?.spanId, send.spanContext().spanId);
          assert.equal(a.spanContext().traceId, send.spanContext().traceId);
        }
        const [failed, succeeded] = attempts;
        assert.equal(failed.status.code, SpanStatusCode.ERROR);
        assert.equal(failed.status.message, "first attempt fails");
        assert.equal(failed.attributes["error.type"], "RangeError");
        const exception = failed.events.find((e) => e.name === "exception");
        assert.equal(exception?.attributes?.["exception.type"], "RangeError");
        assert.equal(exception?.attributes?.["exception.message"], "first attempt fails");
        assert.equal(succeeded.status.code, SpanStatusCode.UNSET);
        await worker.stop();
        await running;
      });

      it("with `tracing: false` on both sides there are no spans", async () => {
        const worker = h.worker({ tracing: false });
        worker.actor(async function untraced() {}, { queue: "tr-off" });
        const running = worker.runForever({ handleSignals: false });
        const job = await h.producer({ tracing: false }).enqueueJob("untraced", {
          queue: "tr-off",
        });
        await job.result;
        assert.deepEqual(spansOf(job.id), []);
        assert.throws(() => h.producer({ tracing: 1 as never }), {
          name: "TypeError",
          message: "Cannot create producer: tracing is 1, expected a boolean",
        });
        await worker.stop();
        await running;
      });
    });
  }
});
