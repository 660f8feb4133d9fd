// deno-lint-ignore-file require-await -- actors are async functions, as in the guide
/**
 * Contract tests: arguments and results nested far deeper than a recursive
 * walk could follow (10,000 levels, which `JSON.stringify` and `JSON.parse`
 * handle) are carried like any others, on every backend.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { days } from "../../mod.ts";
import { backends, type Harness } from "../support/harness.ts";

const DEPTH = 10_000;

/** `[[[…[leaf]…]]]`, `depth` arrays deep. */
function nestedArray(depth: number, leaf: unknown): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** `{ a: { a: … { a: leaf } } }`, `depth` objects deep. */
function nestedObject(depth: number, leaf: unknown): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** How deep `v` is nested, and what lies at the bottom (iteratively). */
function bottom(v: unknown): { depth: number; leaf: unknown } {
  let depth = 0;
  while (v !== null && typeof v === "object") {
    v = Array.isArray(v) ? v[0] : (v as { a: unknown }).a;
    depth++;
  }
  return { depth, leaf: v };
}

for (const backend of backends) {
  describe(`[${backend.name}] deeply nested JSON`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("arguments nested 10,000 deep reach the actor whole", async () => {
      const worker = h.worker();
      worker.actor(async function deep_args(arr: unknown, obj: unknown) {
        return [bottom(arr), bottom(obj)];
      }, { queue: "deep-args" });
      const running = worker.runForever({ handleSignals: false });
      const job = await h.producer().enqueueJob("deep_args", {
        queue: "deep-args",
        args: [nestedArray(DEPTH, "leaf"), nestedObject(DEPTH, 7)],
      });
      const result = await job.result;
      assert.equal(result.status, "done", JSON.stringify(result.error));
      assert.deepEqual(result.value, [{ depth: DEPTH, leaf: "leaf" }, { depth: DEPTH, leaf: 7 }]);
      await worker.stop();
      await running;
    });

    it("a result nested 10,000 deep is stored and read back whole", async () => {
      const worker = h.worker();
      worker.actor(async function deep_result(kind: string) {
        return kind === "array" ? nestedArray(DEPTH, true) : nestedObject(DEPTH, "end");
      }, { queue: "deep-result" });
      const running = worker.runForever({ handleSignals: false });
      const producer = h.producer();
      const arrayJob = await producer.enqueueJob("deep_result", {
        queue: "deep-result",
        args: ["array"],
      });
      const objectJob = await producer.enqueueJob("deep_result", {
        queue: "deep-result",
        args: ["object"],
      });
      const [a, o] = await Promise.all([arrayJob.result, objectJob.result]);
      assert.equal(a.status, "done", JSON.stringify(a.error));
      assert.deepEqual(bottom(a.value), { depth: DEPTH, leaf: true });
      assert.equal(o.status, "done", JSON.stringify(o.error));
      assert.deepEqual(bottom(o.value), { depth: DEPTH, leaf: "end" });
      // read again without the notification: from the stored record
      assert.deepEqual(bottom((await arrayJob.getResult())?.value), { depth: DEPTH, leaf: true });
      await worker.stop();
      await running;
    });

    it("a recurring job with arguments nested 10,000 deep registers once (derived id)", async () => {
      const producer = h.producer();
      const args = [nestedObject(DEPTH, [1, 2])];
      const first = await producer.enqueueJob("deep_args", { args, deferBy: days(1) });
      const again = await producer.enqueueJob("deep_args", { args, deferBy: days(1) });
      assert.equal(again.id, first.id);
      assert.match(first.id, /^deep_args~[0-9a-f]{32}$/);
      await first.cancel();
    });

    it("a bad value at the bottom of 10,000 levels is still named by its path", async () => {
      await assert.rejects(
        h.producer().enqueueJob("deep_args", { args: [nestedArray(DEPTH, 1n)] }),
        (e: Error) =>
          e instanceof TypeError && e.message.includes(`args[0]${"[0]".repeat(DEPTH)} is a BigInt`),
      );
    });
  });
}
