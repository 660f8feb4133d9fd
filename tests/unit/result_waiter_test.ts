/** `ResultWaiter`: reads of pending jobs go in bounded batches, new waits before rechecks. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Backend } from "../../src/backend/backend.ts";
import type { JobInfo, JobResult } from "../../src/core/job.ts";
import { deferred } from "../../src/core/sleep.ts";
import { READ_BATCH, ResultWaiter } from "../../src/producer/result_waiter.ts";
import { waitFor } from "../support/wait.ts";

/** A store whose reads are answered by the test, one call at a time. */
function fakeStore() {
  const calls: { ids: string[]; answer: (out: (JobResult | "unfinished" | null)[]) => void }[] = [];
  let reconnect: (() => void) | undefined;
  let finished: ((id: string, info?: JobInfo) => void) | undefined;
  const backend = {
    onFinished(_queue: string, listener: typeof finished, onReconnect?: () => void) {
      finished = listener;
      reconnect = onReconnect;
      return Promise.resolve(() => Promise.resolve());
    },
    readResults(_queue: string, ids: string[]) {
      const d = deferred<(JobResult | "unfinished" | null)[]>();
      calls.push({ ids, answer: d.resolve });
      return d.promise;
    },
  } as unknown as Backend;
  return {
    backend,
    calls,
    reconnect: () => reconnect!(),
    finished: (id: string, info?: JobInfo) => finished!(id, info),
  };
}

function result(id: string, value: unknown): JobResult {
  return {
    id,
    queue: "q",
    actor: "a",
    status: "done",
    success: true,
    value,
    error: null,
    errors: [],
    attempts: 1,
    deliveries: 1,
    enqueuedAt: 1,
    startedAt: 1,
    finishedAt: 2,
  };
}

describe("ResultWaiter", () => {
  it("reads 1,000 new waits in batches of READ_BATCH, one call at a time", async () => {
    const store = fakeStore();
    const waiter = new ResultWaiter(store.backend, 60_000);
    const ids = Array.from({ length: 1_000 }, (_, i) => `j${i}`);
    const waits = ids.map((id) => waiter.wait("q", id));
    for (let n = 0; n < ids.length / READ_BATCH; n++) {
      await waitFor(`read ${n + 1}`, () => store.calls.length === n + 1);
      assert.equal(store.calls[n].ids.length, READ_BATCH);
      store.calls[n].answer(store.calls[n].ids.map((id) => result(id, id)));
    }
    assert.deepEqual((await Promise.all(waits)).map((r) => r.value), ids);
    assert.equal(store.calls.length, ids.length / READ_BATCH);
    await waiter.close();
  });

  it("reads a new wait before the rest of a recheck", async () => {
    const store = fakeStore();
    const waiter = new ResultWaiter(store.backend, 60_000);
    const ids = Array.from({ length: 3 * READ_BATCH }, (_, i) => `j${i}`);
    const waits = ids.map((id) => waiter.wait("q", id).catch(() => {}));
    for (let n = 0; n < 3; n++) {
      await waitFor("a first read", () => store.calls.length === n + 1);
      store.calls[n].answer(store.calls[n].ids.map(() => "unfinished"));
    }
    store.reconnect(); // every pending job is read again
    await waitFor("the recheck's first batch", () => store.calls.length === 4);
    const late = waiter.wait("q", "late");
    store.finished("j599"); // a notification without its result: read it
    store.calls[3].answer(store.calls[3].ids.map(() => "unfinished"));
    await waitFor("the next batch", () => store.calls.length === 5);
    assert.deepEqual(store.calls[4].ids, ["late", "j599"]);
    store.calls[4].answer([result("late", 1), result("j599", 2)]);
    assert.equal((await late).value, 1);
    await waitFor("the rest of the recheck", () => store.calls.length === 6);
    assert.equal(store.calls[5].ids.length, READ_BATCH);
    assert.ok(!store.calls[5].ids.includes("j599"));
    await waiter.close();
    await Promise.all(waits);
  });
});
