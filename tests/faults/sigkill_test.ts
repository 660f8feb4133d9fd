/**
 * Scenario 1: three worker processes consume 5 000 jobs of an async actor
 * that records each run; every second one worker is killed with SIGKILL and
 * a new one started. Every job ends with exactly one stored result; a job
 * runs again only if it was in flight on a killed worker (or its worker
 * reported the lease lost); none is lost.
 */
import { test } from "node:test";
import { runKillScenario } from "./support/kill_scenario.ts";

test("faults: killing one of three workers every second loses no job", async () => {
  await runKillScenario({
    name: "sigkill",
    port: 6470,
    queue: "default",
    actor: "fault_record",
    extra: [100],
    runs: "redis",
    concurrency: 20,
  });
});
