/**
 * Threads for sync actors: the global web `Worker` where it exists (Deno,
 * Bun), `node:worker_threads` otherwise (Node). Both run the same entry file,
 * `src/threads/entry.ts` (or `.js` in the compiled npm build).
 *
 * @module
 */

import os from "node:os";
import type { JobError } from "../core/job.ts";
import { toJobError } from "../core/job_error.ts";

/** Which thread API to use: `"web"` (global `Worker`) or `"node"` (`node:worker_threads`). */
export type ThreadApi = "web" | "node";

/** What a thread reports to its owner. */
export interface ThreadListener {
  /** A message the thread posted. */
  message(data: unknown): void;
  /**
   * The thread died or failed to start: an uncaught error, an exit, or an
   * entry file that did not load. Called at most once, never after `terminate()`.
   */
  died(error: JobError): void;
}

/** A running thread. */
export interface ThreadHandle {
  /** Posts a message to the thread. */
  post(message: unknown): void;
  /** Stops the thread at once, even in the middle of a busy loop. */
  terminate(): Promise<void>;
  /**
   * Whether the thread keeps the process alive (`node:worker_threads` only:
   * a busy thread does, an idle one need not). Threads start holding it.
   */
  hold(busy: boolean): void;
}

/** The thread API this runtime offers by default. */
export function defaultThreadApi(): ThreadApi {
  return typeof (globalThis as { Worker?: unknown }).Worker === "function" ? "web" : "node";
}

/** How many threads to run by default: the number of CPUs, at least 1. */
export function defaultThreadCount(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const n = typeof os.availableParallelism === "function"
    ? os.availableParallelism()
    : nav?.hardwareConcurrency ?? os.cpus().length;
  return Number.isSafeInteger(n) && n >= 1 ? n : 1;
}

/**
 * The URL of the thread entry file next to the module at `base`: `.ts` when
 * running from the TypeScript sources, `.js` from the compiled build.
 */
export function threadEntryUrl(base: string = import.meta.url): URL {
  const ext = /\.[cm]?[jt]s$/.exec(new URL(base).pathname)?.[0] ?? ".js";
  return new URL(`../threads/entry${ext}`, base);
}

/**
 * Starts a thread running `entry`. The returned handle can be used at once;
 * messages posted before the thread listens are queued by the runtime.
 */
export async function spawnThread(
  entry: URL,
  listener: ThreadListener,
  api: ThreadApi = defaultThreadApi(),
  name = "repid",
): Promise<ThreadHandle> {
  let ended = false;
  const die = (error: JobError) => {
    if (ended) return;
    ended = true;
    listener.died(error);
  };
  if (api === "web") {
    const WebWorker = (globalThis as unknown as { Worker: typeof Worker }).Worker;
    const worker = new WebWorker(entry, { type: "module", name });
    worker.addEventListener("message", (e) => {
      if (!ended) listener.message((e as MessageEvent).data);
    });
    worker.addEventListener("error", (e) => {
      // Unhandled, Deno would end the whole process.
      e.preventDefault();
      const event = e as ErrorEvent;
      die({ name: "Error", message: event.message || "uncaught error in thread" });
      worker.terminate();
    });
    worker.addEventListener("messageerror", () => {
      die({ name: "Error", message: "a message from the thread could not be read" });
      worker.terminate();
    });
    return {
      post: (message) => worker.postMessage(message),
      terminate: () => {
        ended = true;
        worker.terminate();
        return Promise.resolve();
      },
      hold: () => {},
    };
  }
  const { Worker: NodeWorker } = await import("node:worker_threads");
  const worker = new NodeWorker(entry, { name });
  worker.on("message", (data) => {
    if (!ended) listener.message(data);
  });
  worker.on("error", (error) => die(toJobError(error)));
  worker.on("messageerror", () => {
    die({ name: "Error", message: "a message from the thread could not be read" });
    void worker.terminate();
  });
  worker.on(
    "exit",
    (code) => die({ name: "Error", message: `the thread exited with code ${code}` }),
  );
  return {
    post: (message) => worker.postMessage(message),
    terminate: async () => {
      ended = true;
      await worker.terminate();
    },
    hold: (busy) => busy ? worker.ref() : worker.unref(),
  };
}
