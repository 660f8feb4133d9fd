/**
 * A bounded pool of threads for sync actors. Threads start when first needed
 * (at most `size`), then stay and are reused; calls wait in order for a free
 * thread. A thread that crashes, or whose call is stopped (timeout, abort),
 * is terminated and replaced.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { type ThreadApi } from "../runtime/threads.ts";
import type { ThreadJobContext } from "./protocol.ts";
/** Options of a {@linkcode ThreadPool}. */
export interface ThreadPoolOptions {
    /** The most threads to run at once (at least 1). */
    size: number;
    /**
     * The thread API.
     * @default {"web" where a global Worker exists, else "node"}
     */
    api?: ThreadApi;
    /**
     * The entry file each thread runs.
     * @default {src/threads/entry.ts (.js when compiled)}
     */
    entry?: URL;
    /** Where to report crashed threads. */
    logger?: Logger;
}
/** One call of an actor's function in a thread. */
export interface ThreadCall {
    /** The actor's name (for error messages). */
    actor: string;
    /** The module's URL. */
    module: string;
    /** The export to call. */
    exportName: string;
    /** The arguments (JSON values). */
    args: unknown[];
    /** The function's `this`. */
    context: ThreadJobContext;
}
/** How a call may be stopped. */
export interface ThreadCallOptions {
    /** Aborting stops the call: it rejects with the reason and its thread is replaced. */
    signal?: AbortSignal;
    /** Stop the call this long after a thread starts it (waiting for a thread is not counted). */
    timeoutMs?: number;
    /** The rejection reason at the timeout. */
    timeoutError?: () => unknown;
}
/**
 * Runs exported functions of modules on a bounded set of reused threads.
 *
 * @example
 * ```ts ignore
 * const pool = new ThreadPool({ size: 2 });
 * const json = await pool.run({
 *   actor: "count",
 *   module: new URL("./count.ts", import.meta.url).href,
 *   exportName: "default",
 *   args: ["hello"],
 *   context: { jobId: "1", queue: "default", actor: "count", attempt: 1, deliveries: 1 },
 * });
 * await pool.close();
 * ```
 */
export declare class ThreadPool {
    #private;
    readonly size: number;
    constructor(options: ThreadPoolOptions);
    /** How many threads are running or starting. */
    get threadCount(): number;
    /** How many calls are running in a thread now. */
    get busyCount(): number;
    /** How many calls wait for a free thread. */
    get waitingCount(): number;
    /**
     * Runs one call on a free thread (waiting for one) and resolves with its
     * returned value as JSON. Rejects with the thrown error (its name, message
     * and stack), `ActorLoadError`, `NonJsonResultError`, `ThreadCrashError`,
     * the timeout error, or the signal's reason.
     */
    run(call: ThreadCall, options?: ThreadCallOptions): Promise<string>;
    /** Terminates every thread; calls still running or waiting reject. */
    close(): Promise<void>;
}
