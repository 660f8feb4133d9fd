/**
 * Test support: telling whether a spinning thread (the `spinForever` thread
 * fixture, which writes a heartbeat file every 10 ms) still runs.
 */
import { readFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";

/** Deno's `Worker.terminate()` cannot stop a busy loop; Node's and Bun's can. */
export const underDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

/** How long an absent heartbeat must stay absent to count as stopped. */
const QUIET_MS = 500;
/** How long a stopped thread may take to go quiet (a failure guard, not a speed target). */
const STOP_LIMIT_MS = 10_000;

/** Reads a heartbeat file, waits, and tells whether it changed meanwhile. */
export async function stillBeating(file: string): Promise<boolean> {
  const before = readFileSync(file, "utf8");
  await delay(QUIET_MS); // an absence check: nothing to wait on but time
  return readFileSync(file, "utf8") !== before;
}

/**
 * Whether the heartbeat goes quiet. A thread's result can be recorded a few
 * milliseconds before the terminated thread has actually stopped (Bun ends a
 * thread asynchronously), so this waits for a quiet window; a thread that
 * goes on spinning never gives one.
 */
export async function stopsBeating(file: string): Promise<boolean> {
  const deadline = Date.now() + STOP_LIMIT_MS;
  while (Date.now() < deadline) {
    if (!(await stillBeating(file))) return true;
  }
  return false;
}
