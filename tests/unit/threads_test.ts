/**
 * Pure parts of sync actors: definitions by module URL, the thread count
 * default, and where the thread entry file is found.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import os from "node:os";
import { defineActor, type Repid, Worker } from "../../mod.ts";
import { toActorDefinition } from "../../src/worker/actor.ts";
import { defaultThreadCount, threadEntryUrl } from "../../src/runtime/threads.ts";

const module = new URL("../integration/fixtures/threads/busy.ts", import.meta.url);

describe("defineActor() with a module URL", () => {
  it("`defineActor()` defines a sync actor from a module's default export", () => {
    const def = defineActor(module, { name: "busy", queue: "cpu", timeoutMs: 5_000 });
    assert.equal(def.name, "busy");
    assert.equal(def.queue, "cpu");
    assert.equal(def.module, module.href);
    assert.equal(def.exportName, "default");
    assert.equal(def.options.timeoutMs, 5_000);
  });

  it("`defineActor()` names a sync actor after its named export", () => {
    const def = defineActor(module, { export: "count_words" });
    assert.equal(def.name, "count_words");
    assert.equal(def.exportName, "count_words");
  });

  it("`defineActor()` requires a name for a default export", () => {
    assert.throws(
      () => defineActor(module, {}),
      (e: unknown) =>
        e instanceof TypeError &&
        /options\.name is required for the default export/.test(e.message),
    );
  });

  it("`defineActor()` rejects an empty export name and bad options of a sync actor", () => {
    assert.throws(() => defineActor(module, { export: "" }), TypeError);
    assert.throws(
      () => defineActor(module, { name: "busy", timeoutMs: 0 }),
      (e: unknown) => e instanceof RangeError && /timeoutMs is 0/.test(e.message),
    );
    assert.throws(() => defineActor(module, { name: "bad name!" }), TypeError);
  });

  it("`defineActor()` refuses a module path given as a string, pointing at `new URL()`", () => {
    assert.throws(
      () => defineActor("./busy.ts" as never, { name: "busy" }),
      (e: unknown) => e instanceof TypeError && /module URL \(new URL/.test(e.message),
    );
  });

  it("`defineActor()` gives a sync actor a function that refuses to run outside a thread", () => {
    const def = defineActor(module, { name: "busy" });
    assert.throws(() => def.fn.call(undefined as never), /runs on a thread/);
  });

  it("`toActorDefinition()` merges options over a sync actor's definition and keeps its module", () => {
    const def = defineActor(module, { export: "whoami", retries: 2 });
    const merged = toActorDefinition(def, { queue: "other" });
    assert.equal(merged.module, module.href);
    assert.equal(merged.exportName, "whoami");
    assert.equal(merged.queue, "other");
    assert.equal(merged.options.retries, 2);
  });

  it("`defineActor()` carries the function's type to typed producers", () => {
    const busy = defineActor<typeof import("../integration/fixtures/threads/busy.ts").default>(
      module,
      {
        name: "busy",
      },
    );
    // Compile-time only: the argument types come from the module's export.
    const typed = async (producer: Repid) => {
      const job = await producer.enqueueJob(busy, { args: [10] });
      const end: number | undefined = (await job.result).value?.end;
      // @ts-expect-error: the first argument is a number
      await producer.enqueueJob(busy, { args: ["ten"] });
      return end;
    };
    assert.equal(typeof typed, "function");
  });
});

describe("threads runtime", () => {
  it("`defaultThreadCount()` is the number of CPUs, at least 1", () => {
    assert.equal(defaultThreadCount(), Math.max(1, os.availableParallelism()));
  });

  it("`threadEntryUrl()` picks the entry file's extension from the calling module's", () => {
    assert.equal(
      threadEntryUrl("file:///app/src/runtime/threads.ts").href,
      "file:///app/src/threads/entry.ts",
    );
    assert.equal(
      threadEntryUrl("file:///app/npm/esm/src/runtime/threads.js").href,
      "file:///app/npm/esm/src/threads/entry.js",
    );
    assert.equal(
      threadEntryUrl().href,
      new URL("../../src/threads/entry.ts", import.meta.url).href,
    );
  });

  it("`Worker` rejects a `threads` option below 1", () => {
    for (const threads of [0, 1.5, -1]) {
      assert.throws(
        () => new Worker(null, { threads, backend: {} as never }),
        (e: unknown) => e instanceof RangeError && /threads is/.test(e.message),
      );
    }
  });
});
