import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LeasedJob } from "../../src/core/job.ts";
import type { Lane } from "../../src/worker/lane.ts";
import { RunningJob } from "../../src/worker/running_job.ts";

function runningJob(): { r: RunningJob; released: () => number } {
  let released = 0;
  const job = { id: "j1", queue: "q" } as LeasedJob;
  const r = new RunningJob(job, {} as Lane, () => released++);
  return { r, released: () => released };
}

describe("RunningJob", () => {
  it("runs, acks and ends, giving its slot back once, when the ack starts", () => {
    const { r, released } = runningJob();
    assert.equal(r.state, "running");
    assert.equal(r.writable, true);
    r.startAck();
    assert.deepEqual([r.state, r.writable, released()], ["acking", true, 1]);
    r.end();
    assert.deepEqual([r.state, r.writable, released()], ["ended", false, 1]);
  });

  it("keeps its slot while detached, until its run ends", () => {
    const { r, released } = runningJob();
    r.detach();
    assert.deepEqual([r.state, r.writable, released()], ["detached", false, 0]);
    r.detach();
    assert.equal(r.state, "detached");
    r.end();
    assert.deepEqual([r.state, released()], ["ended", 1]);
  });

  it("ends at once when detached during its ack", () => {
    const { r, released } = runningJob();
    r.startAck();
    r.detach();
    assert.deepEqual([r.state, r.writable, released()], ["ended", false, 1]);
    r.end();
    assert.equal(released(), 1);
  });

  it("refuses a move its state does not allow", () => {
    const { r } = runningJob();
    r.detach();
    assert.throws(() => r.startAck(), /Job "j1" cannot move from detached to acking/);
  });
});
