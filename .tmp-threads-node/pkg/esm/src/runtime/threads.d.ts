/**
 * Threads for sync actors: the global web `Worker` where it exists (Deno,
 * Bun), `node:worker_threads` otherwise (Node). Both run the same entry file,
 * `src/threads/entry.ts` (or `.js` in the compiled npm build).
 *
 * @module
 */
import { type JobError } from "../core/job.ts";
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
export declare function defaultThreadApi(): ThreadApi;
/** How many threads to run by default: the number of CPUs, at least 1. */
export declare function defaultThreadCount(): number;
/**
 * The URL of the thread entry file next to the module at `base`: `.ts` when
 * running from the TypeScript sources, `.js` from the compiled build.
 */
export declare function threadEntryUrl(base?: string): URL;
/**
 * Starts a thread running `entry`. The returned handle can be used at once;
 * messages posted before the thread listens are queued by the runtime.
 */
export declare function spawnThread(entry: URL, listener: ThreadListener, api?: ThreadApi, name?: string): Promise<ThreadHandle>;
