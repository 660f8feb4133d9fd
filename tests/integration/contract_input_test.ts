/**
 * Contract tests: bad input is refused with clear, typed errors naming the
 * value they got and what was expected, on every backend.
 */
import { after, before, describe, it, test } from "node:test";
import assert from "node:assert/strict";
import { defineActor, MemoryBackend, Repid, Worker } from "../../mod.ts";
import { backends, type Harness } from "../support/harness.ts";

for (const backend of backends) {
  describe(`[${backend.name}] bad input`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("`enqueueJob()` refuses non-JSON arguments with a TypeError naming the path", async () => {
      const producer = h.producer();
      const cyclic: Record<string, unknown> = {};
      cyclic.me = cyclic;
      const cases: [unknown[], RegExp][] = [
        [[() => 1], /args\[0\] is a function/],
        [[{ big: 1n }], /args\[0\]\.big is a BigInt/],
        [[cyclic], /args\[0\]\.me refers back to itself/],
        [[Symbol("s")], /args\[0\] is a symbol/],
        [[[1, undefined]], /args\[0\]\[1\] is undefined/],
        [[NaN], /args\[0\] is NaN/],
        [[{ x: Infinity }], /args\[0\]\.x is Infinity/],
      ];
      for (const [args, pattern] of cases) {
        await assert.rejects(
          producer.enqueueJob("string_length", { args }),
          (e: Error) =>
            e instanceof TypeError && pattern.test(e.message) &&
            e.message.startsWith('Cannot enqueue job for actor "string_length"'),
        );
      }
      await assert.rejects(
        producer.enqueueJob("x", { args: "hello" as unknown as unknown[] }),
        /args must be an array/,
      );
    });

    it("`enqueueJob()` refuses empty, oversized and malformed queue and actor names", async () => {
      const producer = h.producer();
      await assert.rejects(producer.enqueueJob(""), {
        name: "TypeError",
        message: "Cannot enqueue job: actor name is empty",
      });
      await assert.rejects(producer.enqueueJob("a", { queue: "" }), {
        name: "TypeError",
        message: "Cannot enqueue job: queue name is empty",
      });
      await assert.rejects(
        producer.enqueueJob("a".repeat(200)),
        /200 bytes long, expected at most 128 bytes/,
      );
      await assert.rejects(producer.enqueueJob("a", { queue: "my queue" }), /"my queue"/);
      await assert.rejects(producer.enqueueJob("a", { queue: "{x}" }), /malformed/);
      await assert.rejects(producer.enqueueJob("a", { jobId: "" }), /job id is empty/);
    });

    it("`Worker.actor()` refuses anonymous, duplicate and badly configured actors", () => {
      const worker = h.worker();
      assert.throws(() => worker.actor(async () => {}), /actor name is empty/);
      worker.actor(async function twice() {});
      assert.throws(() => worker.actor(async function twice() {}), /already exists|exists/);
      assert.throws(
        () => worker.actor(async function r() {}, { retries: -1 }),
        (e: Error) => e instanceof RangeError && /retries/.test(e.message),
      );
      assert.throws(
        () => worker.actor(async function q() {}, { queue: "bad queue" }),
        /"bad queue"/,
      );
      assert.throws(
        () => worker.actor(async function t() {}, { timeoutMs: 0 }),
        /timeoutMs/,
      );
      assert.throws(() => defineActor("nope" as never), /expected a function/);
    });

    it("`new Worker()` refuses bad options naming them", () => {
      assert.throws(() => h.worker({ concurrency: 0 }), /concurrency/);
      assert.throws(() => h.worker({ leaseMs: 5 }), /leaseMs/);
      assert.throws(() => h.worker({ concurrency: 1.5 }), RangeError);
      assert.throws(() => h.worker({ unknownActorDelayMs: 0 }), /unknownActorDelayMs is 0/);
      assert.throws(
        () => h.worker({ maxStalls: -1 }),
        (e: Error) => e instanceof RangeError && /maxStalls/.test(e.message),
      );
      assert.throws(() => h.worker({ maxStalls: 1.5 }), /maxStalls/);
    });

    it("`runForever()` refuses a worker without actors", () => {
      const worker = h.worker();
      assert.throws(() => worker.runForever({ handleSignals: false }), /no actor/);
    });
  });
}

// Bad input that no store sees: options objects and clients.
test("bad options objects and clients are refused with the value they got", async () => {
  const backend = new MemoryBackend();
  const producer = new Repid(null, { backend });
  try {
    await assert.rejects(
      // deno-lint-ignore no-explicit-any
      () => producer.enqueueJob("a", 42 as any),
      { name: "TypeError", message: /options must be an object, got 42$/ },
    );
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => defineActor(async function a() {}, "fast" as any),
      { name: "TypeError", message: /options must be an object, got "fast"$/ },
    );
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => defineActor(new URL("file:///x.ts"), 5 as any),
      { name: "TypeError", message: /options must be an object, got 5$/ },
    );
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => new Worker(42 as any),
      { name: "TypeError", message: /expected an ioredis client or a redis:\/\/ URL, got 42$/ },
    );
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => new MemoryBackend({ now: 5 as any }),
      { name: "TypeError", message: /now must be a function .*, got 5$/ },
    );
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => new MemoryBackend({ store: 7 as any }),
      { name: "TypeError", message: /store must be a string .*, got 7$/ },
    );
  } finally {
    await producer.close();
    await backend.close();
  }
});
