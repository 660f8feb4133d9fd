/**
 * Scenario 6: scenario 1 with a sync actor on the workers' threads (Web
 * Workers): each job spins on a thread; every second one of three worker
 * processes is killed with SIGKILL and a new one started. Nothing is lost.
 */
import { test } from "node:test";
import { runKillScenario } from "./support/kill_scenario.ts";

test("faults: killing workers running sync actors on threads loses no job", async () => {
  await runKillScenario({
    name: "thread-sigkill",
    port: 6475,
    queue: "threads",
    actor: "fault_thread",
    extra: [2],
    runs: "file",
    concurrency: 4,
  });
});
