/**
 * The port to the thread's owner under `node:worker_threads`, for the
 * programs that run in threads.
 *
 * @module
 */

import type { MessagePort } from "node:worker_threads";

/**
 * The `parentPort` of a `node:worker_threads` thread, or `null` in a plain
 * Web Worker (Deno, Bun: `globalThis.postMessage` then).
 *
 * @example
 * ```ts ignore
 * const port = await nodeParentPort();
 * if (port) port.postMessage("hello");
 * ```
 */
export async function nodeParentPort(): Promise<MessagePort | null> {
  try {
    return (await import("node:worker_threads")).parentPort;
  } catch {
    return null; // Not a runtime with node:worker_threads.
  }
}
