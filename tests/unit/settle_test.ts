import { test } from "node:test";
import assert from "node:assert/strict";
import { GAVE_UP, unlessAborted, within } from "../../src/core/settle.ts";

test("unlessAborted() resolves with GAVE_UP when the signal aborts before a promise that never settles", async () => {
  const controller = new AbortController();
  const waiting = unlessAborted(new Promise<number>(() => {}), controller.signal);
  controller.abort();
  assert.equal(await waiting, GAVE_UP);
});

test("unlessAborted() settles like the promise when it settles first, and handles a late rejection", async () => {
  const controller = new AbortController();
  assert.equal(await unlessAborted(Promise.resolve(7), controller.signal), 7);
  await assert.rejects(unlessAborted(Promise.reject(new Error("no")), controller.signal), /no/);
  controller.abort();
  let reject!: (e: unknown) => void;
  const late = new Promise((_, r) => (reject = r));
  assert.equal(await unlessAborted(late, controller.signal), GAVE_UP);
  reject(new Error("late")); // must not surface as an unhandled rejection
  await new Promise((r) => setTimeout(r, 0));
});

test("within() gives up after the time and settles like the promise before it", async () => {
  assert.equal(await within(new Promise(() => {}), 5), GAVE_UP);
  assert.equal(await within(Promise.resolve("v"), 1_000), "v");
  await assert.rejects(within(Promise.reject(new TypeError("t")), 1_000), TypeError);
});
