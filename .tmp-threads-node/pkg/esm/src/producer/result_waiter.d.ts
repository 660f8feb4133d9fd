/**
 * Waiting for results: a subscription to the queue's "finished" channel is
 * made before the job's state is read, so a job that finishes between the
 * read and the wait is never missed. After a reconnect of the subscriber,
 * and every `recheckMs` as a safety net, pending jobs are read again.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import type { JobResult } from "../core/job.ts";
/** Options of a wait for a result. */
export interface WaitOptions {
    /** Give up after this many milliseconds with a `ResultTimeoutError`. */
    timeoutMs?: number;
    /** Give up when this signal aborts (rejecting with its reason). */
    signal?: AbortSignal;
}
/** Waits for results of many jobs over one subscription per queue. */
export declare class ResultWaiter {
    #private;
    /**
     * @param backend The store.
     * @param recheckMs How often pending jobs are read again as a safety net (≥ 100).
     */
    constructor(backend: Backend, recheckMs: number);
    /** Resolves with the job's result once it has finished. */
    wait(queue: string, id: string, options?: WaitOptions): Promise<JobResult>;
    /** Ends every subscription. Pending waits are rejected. */
    close(): Promise<void>;
}
