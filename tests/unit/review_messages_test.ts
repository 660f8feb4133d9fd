/**
 * Review finding: errors for bad input name the value they got, as the
 * team guide asks ("naming the value and what was expected").
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { defineActor, MemoryBackend, Repid, Worker } from "../../mod.ts";

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
