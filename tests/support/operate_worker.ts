/**
 * Test support: the worker process of the cancel and pause tests
 * (`tests/integration/fixtures/operate_worker.ts`), on queue {@linkcode OPS_QUEUE}.
 */
import { fileURLToPath } from "node:url";
import { type ChildScript, spawnScript } from "./child_script.ts";
import { REDIS_URL } from "./redis.ts";

const OPERATE_WORKER = fileURLToPath(
  new URL("../integration/fixtures/operate_worker.ts", import.meta.url),
);

/** The queue of the worker's actors. */
export const OPS_QUEUE = "ops";

/** Starts the worker process on `prefix`; wait for its line `worker started`. */
export function spawnOperateWorker(
  prefix: string,
  options: { leaseMs?: number; idleMs?: number } = {},
): ChildScript {
  return spawnScript(OPERATE_WORKER, {
    REPID_URL: REDIS_URL,
    REPID_PREFIX: prefix,
    REPID_QUEUE: OPS_QUEUE,
    REPID_LEASE_MS: String(options.leaseMs ?? 30_000),
    REPID_IDLE_MS: String(options.idleMs ?? 5_000),
  });
}
