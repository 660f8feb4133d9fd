/**
 * The public surface of mod.ts: adding or removing a runtime export must be
 * a deliberate change of this list.
 */
import assert from "node:assert/strict";
import { test } from "node:test";

test("mod.ts exports exactly the pinned runtime names", async () => {
  const names = Object.keys(await import("../../mod.ts")).sort();
  assert.deepEqual(names, [
    "ActorLoadError",
    "ConnectionError",
    "Job",
    "JobCancelledError",
    "JobNotFoundError",
    "JobTimeoutError",
    "LeaseLostError",
    "MemoryBackend",
    "NonJsonResultError",
    "PartitionsMismatchError",
    "ProducerClosedError",
    "Queue",
    "QueueEvents",
    "QueueNotFoundError",
    "Repid",
    "RepidError",
    "ReplicationError",
    "ResultTimeoutError",
    "Schedule",
    "StoreRefusedError",
    "StoreUnavailableError",
    "ThreadCrashError",
    "UnknownActorError",
    "Worker",
    "WorkerShutdownError",
    "consoleLogger",
    "days",
    "defineActor",
    "hours",
    "minutes",
    "seconds",
  ]);
});

test("src/dashboard/mod.ts (the dashboard entry) exports exactly the pinned runtime names", async () => {
  const names = Object.keys(await import("../../src/dashboard/mod.ts")).sort();
  assert.deepEqual(names, ["basicAuth", "dashboard", "nodeListener"]);
});
