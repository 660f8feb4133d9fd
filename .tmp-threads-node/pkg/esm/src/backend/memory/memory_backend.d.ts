/**
 * The in-memory implementation of {@linkcode Backend}: the same transitions
 * as the Redis scripts (`src/backend/redis/scripts/*.ts`), step for step, on
 * plain data structures in this process. Each method runs to the end
 * without yielding, so it is atomic like a script; its answer arrives on a
 * later turn, like a reply from a server.
 *
 * @module
 */
import type { Backend, FetchResult, RequeueRequest } from "../backend.ts";
import type { AdvanceOutcome, ScheduleUpsertResult } from "../schedule_backend.ts";
import { type NewSchedule, type ScheduleInfo } from "../../core/schedule.ts";
import { type Completion, type EnqueueOutcome, type JobError, type JobInfo, type NewJob } from "../../core/job.ts";
/** Options of a {@linkcode MemoryBackend}. */
export interface MemoryBackendOptions {
    /**
     * The name of a store shared by every `MemoryBackend` of this process that
     * gives the same name (the URL `memory://name` opens it too; `memory://`
     * opens the one named `""`). Without a name, the backend has a private
     * store of its own.
     * @default {undefined (a private store)}
     */
    store?: string;
    /**
     * Separates the data of backends on one store, like the Redis key prefix.
     * @default {"repid"}
     */
    prefix?: string;
    /**
     * The store's clock, in UTC epoch milliseconds. Taken when the store is
     * created; a backend joining an existing named store uses that store's.
     * @default {Date.now}
     */
    now?: () => number;
    /**
     * How often expired results are removed besides on access, in
     * milliseconds (the timer never keeps the process alive).
     * @default {60000}
     */
    sweepMs?: number;
}
/** How many jobs of a queue are in each state. */
export interface MemoryQueueCounts {
    /** Waiting in the queue. */
    queued: number;
    /** Deferred (including those already due). */
    deferred: number;
    /** Deferred and already due: the next fetch takes them. */
    due: number;
    /** Leased to a worker. */
    inProgress: number;
    /** When the earliest deferred job is due (epoch ms), or `null` when none is deferred. */
    nextDueAt: number | null;
}
/**
 * A store held in memory, with the same semantics as the Redis store: FIFO
 * queues, due deferred jobs first, leases with owner tokens that expire and
 * return jobs to their queue, retries, results that expire, custom ids,
 * dead letters. Pass one instance as `backend` to both `Repid` and `Worker`
 * (or give both the URL `memory://name`) to run a producer and workers in
 * one process without Redis. Nothing is persisted: the data lives as long
 * as the process.
 *
 * @example Producer and worker in one process, no Redis
 * ```ts
 * import { MemoryBackend, Repid, Worker } from "@repid/repid";
 *
 * const backend = new MemoryBackend();
 * const worker = new Worker(null, { backend, logger: "silent" });
 * worker.actor(async function string_length(s: string) {
 *   return s.length;
 * });
 * const running = worker.runForever({ handleSignals: false });
 *
 * const producer = new Repid(null, { backend });
 * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
 * console.log((await job.result).value); // 5
 *
 * await worker.stop();
 * await running;
 * await producer.close();
 * await backend.close();
 * ```
 */
export declare class MemoryBackend implements Backend {
    #private;
    /**
     * Opens a private store, or joins the named store `options.store`.
     *
     * @param options The store to use (a private one by default), the prefix
     * and the clock.
     */
    constructor(options?: MemoryBackendOptions);
    /** The name of the shared store, or `undefined` for a private one. */
    get storeName(): string | undefined;
    enqueue(jobs: NewJob[]): Promise<EnqueueOutcome[]>;
    fetch(queue: string, max: number, leaseMs: number, token: string): Promise<FetchResult>;
    waitForWork(queue: string, timeoutMs: number, signal: AbortSignal): Promise<void>;
    extendLeases(queue: string, leases: {
        id: string;
        token: string;
    }[], leaseMs: number): Promise<string[]>;
    recordAttempt(queue: string, id: string, token: string, attempts: number, errors: JobError[]): Promise<boolean>;
    complete(queue: string, completions: Completion[]): Promise<boolean[]>;
    release(queue: string, leases: {
        id: string;
        token: string;
    }[]): Promise<boolean[]>;
    requeue(queue: string, r: RequeueRequest): Promise<"requeued" | "dead" | "lost">;
    deadLetter(queue: string, id: string, token: string, reason: string, error: JobError, ttlMs: number): Promise<boolean>;
    getJob(queue: string, id: string): Promise<JobInfo | null>;
    onFinished(queue: string, listener: (id: string) => void, _onReconnect?: () => void): Promise<() => Promise<void>>;
    time(): Promise<number>;
    upsertSchedule(s: NewSchedule): Promise<ScheduleUpsertResult>;
    getSchedule(queue: string, id: string): Promise<ScheduleInfo | null>;
    listSchedules(queue: string): Promise<ScheduleInfo[]>;
    advanceSchedule(queue: string, id: string, at: number, nextAt: number): Promise<AdvanceOutcome>;
    pauseSchedule(queue: string, id: string): Promise<boolean>;
    resumeSchedule(queue: string, id: string, nextAt: number): Promise<"resumed" | "active" | "gone">;
    cancelSchedule(queue: string, id: string): Promise<boolean>;
    scheduleRuns(queue: string, id: string, limit: number): Promise<string[]>;
    /**
     * How many jobs of `queue` (of every queue of this backend's prefix when
     * omitted) are queued, deferred, due and in progress now, and when the
     * next deferred one is due.
     *
     * @example
     * ```ts
     * import { MemoryBackend } from "@repid/repid";
     *
     * const backend = new MemoryBackend();
     * console.log(backend.counts()); // { queued: 0, deferred: 0, due: 0, inProgress: 0, nextDueAt: null }
     * ```
     */
    counts(queue?: string): MemoryQueueCounts;
    /**
     * The queues of this backend's prefix that hold any job.
     *
     * @example
     * ```ts
     * import { MemoryBackend } from "@repid/repid";
     *
     * console.log(new MemoryBackend().queues()); // []
     * ```
     */
    queues(): string[];
    /**
     * Calls `listener` after every transition of the store (enqueue, fetch,
     * completion, …), synchronously, once the change is made; for test
     * helpers that wait until a store is idle. Returns a function that stops
     * the calls.
     *
     * @example
     * ```ts
     * import { MemoryBackend } from "@repid/repid";
     *
     * const backend = new MemoryBackend();
     * const stop = backend.onChange(() => console.log(backend.counts()));
     * stop();
     * ```
     */
    onChange(listener: () => void): () => void;
    /**
     * Deletes every job of this backend's prefix from the store, whatever its
     * state (like deleting a Redis key prefix). Leases held by workers are
     * then lost.
     *
     * @example
     * ```ts
     * import { MemoryBackend } from "@repid/repid";
     *
     * const backend = new MemoryBackend({ store: "scratch" });
     * backend.clear();
     * await backend.close();
     * ```
     */
    clear(): void;
    /**
     * Ends this backend's waits and subscriptions. The data stays in the store
     * (a named store is forgotten once no backend uses it and it holds no
     * job); a private store's timer is stopped.
     */
    close(): Promise<void>;
}
/**
 * Opens the store of a `memory://` URL: `memory://` is the process's
 * default shared store, `memory://name` the store of that name.
 */
export declare function memoryBackendFromUrl(url: string, options: {
    prefix?: string;
}, action: string): MemoryBackend;
