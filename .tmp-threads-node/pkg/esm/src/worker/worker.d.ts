/**
 * The worker: holds actors, leases jobs from their queues and runs them.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import type { RedisInput } from "../backend/redis/connection.ts";
import { type Logger, type LogLevel } from "../log.ts";
import { type ActorDefinition, type ActorFunction, type ActorOptions, type ModuleActorOptions } from "./actor.ts";
/** Options of a {@linkcode Worker}. */
export interface WorkerOptions {
    /**
     * The first part of every Redis key; producers must use the same.
     * @default {"repid"}
     */
    prefix?: string;
    /**
     * How many jobs may run at once.
     * @default {10}
     */
    concurrency?: number;
    /**
     * How long a lease lasts, in milliseconds. A running job's lease is renewed
     * every third of it; a job whose worker died runs elsewhere once it expires.
     * @default {30000}
     */
    leaseMs?: number;
    /**
     * How long an idle worker blocks in Redis before it looks again for expired
     * leases, in milliseconds (it also wakes when work arrives or a deferred
     * job falls due).
     * @default {5000}
     */
    idleMs?: number;
    /**
     * How long `stop()` and the signal handlers let running jobs finish before
     * their leases are handed back, in milliseconds.
     * @default {10000}
     */
    graceMs?: number;
    /**
     * How long a finished job's result is kept, in milliseconds (actors and
     * jobs may override it).
     * @default {86400000 (one day)}
     */
    resultTtlMs?: number;
    /**
     * How long a job for an actor this worker lacks is held back before it is
     * delivered again (to this or another worker), in milliseconds.
     * @default {1000}
     */
    unknownActorDelayMs?: number;
    /**
     * Dead-letter a job for an unknown actor, with reason `unknown_actor`, once
     * it has been delivered this many times; 0 keeps putting it back.
     * @default {0}
     */
    unknownActorLimit?: number;
    /**
     * How many threads run sync actors (those registered by module URL). The
     * threads start when first needed and are then reused; jobs of sync actors
     * wait for a free thread.
     * @default {the number of CPUs (at least 1)}
     */
    threads?: number;
    /**
     * Where to log, or the level of the console logger.
     * @default {"warn"}
     */
    logger?: Logger | LogLevel;
    /**
     * The store; overrides the `redis` argument (for example an in-memory backend).
     */
    backend?: Backend;
}
/** Options of {@linkcode Worker.stop}. */
export interface StopOptions {
    /**
     * How long running jobs may still finish, in milliseconds.
     * @default {the worker's graceMs}
     */
    graceMs?: number;
}
/** Options of {@linkcode Worker.runForever}. */
export interface RunOptions {
    /**
     * Stop gracefully on SIGINT and SIGTERM.
     * @default {true}
     */
    handleSignals?: boolean;
    /** Stops the worker gracefully when aborted. */
    signal?: AbortSignal;
}
/**
 * Runs actors: async functions on the event loop, up to `concurrency` jobs
 * at once. Each fetched job is leased; the lease is renewed while the job
 * runs, and the result is stored together with the ack.
 *
 * @example
 * ```ts ignore
 * import { Worker } from "@repid/repid";
 *
 * const worker = new Worker("redis://127.0.0.1:6379", { concurrency: 50 });
 * worker.actor(async function string_length(theString: string): Promise<number> {
 *   return theString.length;
 * });
 * await worker.runForever(); // until SIGINT/SIGTERM or worker.stop()
 * ```
 */
export declare class Worker {
    #private;
    /**
     * Creates a worker; register actors with {@linkcode Worker.actor}, then
     * call {@linkcode Worker.runForever}.
     *
     * @param redis An ioredis client (duplicated for blocking reads; never
     * closed by the worker) or a `redis://` URL (the worker opens and closes
     * its connections), or `memory://name` for the in-memory store shared in
     * this process; `null` when `options.backend` is given.
     * @param options The worker's options.
     */
    constructor(redis: RedisInput | null, options?: WorkerOptions);
    /**
     * Registers an actor: a function (named by its `name` unless `options.name`
     * is given) or a definition from {@linkcode defineActor}.
     *
     * @example
     * ```ts ignore
     * worker.actor(async function hello() { console.log("hi"); }, { queue: "myqueue", retries: 3 });
     * ```
     *
     * @param fn The function, or a definition.
     * @param options The actor's options (merged over a definition's own).
     * @returns The definition, usable with `Repid.enqueueJob()`.
     */
    actor<F extends ActorFunction>(fn: F | ActorDefinition<F>, options?: ActorOptions): ActorDefinition<F>;
    /**
     * Registers a sync actor: a function exported from the module at `module`
     * (the default export unless `options.export` names another), run on the
     * worker's pool of threads so that CPU-bound work never blocks async jobs.
     *
     * @example
     * ```ts ignore
     * worker.actor(new URL("./count_file_length.ts", import.meta.url), {
     *   name: "count_file_length",
     *   timeoutMs: 10_000,
     * });
     * ```
     *
     * @param module The module's URL.
     * @param options The actor's options; `name` is required for a default export.
     * @returns The definition, usable with `Repid.enqueueJob()`.
     */
    actor<F extends ActorFunction = ActorFunction>(module: URL, options: ModuleActorOptions): ActorDefinition<F>;
    /** The names of the registered actors. */
    get actorNames(): string[];
    /** The queues this worker takes jobs from (those of its actors). */
    get queues(): string[];
    /** How many jobs are running now. */
    get runningCount(): number;
    /**
     * Runs until {@linkcode Worker.stop} is called, `options.signal` aborts, or
     * (by default) the process gets SIGINT or SIGTERM; then stops gracefully.
     *
     * @example
     * ```ts ignore
     * const controller = new AbortController();
     * const running = worker.runForever({ signal: controller.signal });
     * controller.abort(); // graceful stop
     * await running;
     * ```
     */
    runForever(options?: RunOptions): Promise<void>;
    /**
     * Stops gracefully: no more fetching; running jobs may finish within
     * `graceMs`; the leases of the rest are handed back so they run elsewhere;
     * the connections the worker opened are closed; `runForever()` resolves.
     *
     * @example
     * ```ts ignore
     * await worker.stop({ graceMs: 5_000 });
     * ```
     */
    stop(options?: StopOptions): Promise<void>;
}
