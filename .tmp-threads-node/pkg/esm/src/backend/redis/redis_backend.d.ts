/**
 * The Redis implementation of {@linkcode Backend}: one Lua script per job
 * transition, defined once per client and called by SHA (ioredis falls back
 * to EVAL after a Redis restart emptied the script cache).
 *
 * @module
 */
import type { Redis } from "ioredis";
import type { Backend, FetchResult, RequeueRequest } from "../backend.ts";
import type { Completion, EnqueueOutcome, JobError, JobInfo, NewJob } from "../../core/job.ts";
import { DEAD_TTL_MS, jobInfoFromHash } from "../../core/job.ts";
import { type RedisInput } from "./connection.ts";
import { type QueueKeys } from "./keys.ts";
import type { NewSchedule, ScheduleInfo } from "../../core/schedule.ts";
import type { AdvanceOutcome, ScheduleUpsertResult } from "../schedule_backend.ts";
/** Options of {@linkcode RedisBackend}. */
export interface RedisBackendOptions {
    /**
     * The first part of every key.
     * @default {"repid"}
     */
    prefix?: string;
}
/** The Redis store. */
export declare class RedisBackend implements Backend {
    #private;
    /** The client that runs the scripts. */
    readonly client: Redis;
    /**
     * @param redis An ioredis client (used as is, never closed by us) or a URL.
     * @param options The key prefix.
     */
    constructor(redis: RedisInput, options?: RedisBackendOptions);
    /** The keys of `queue`. */
    keys(queue: string): QueueKeys;
    /**
     * One script call per queue: a queue with one job uses `enqueue`, a queue
     * with more uses `enqueue_many` (atomic for that queue's jobs). The calls
     * for several queues are sent together.
     */
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
    onFinished(queue: string, listener: (id: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
    time(): Promise<number>;
    upsertSchedule(schedule: NewSchedule): Promise<ScheduleUpsertResult>;
    getSchedule(queue: string, id: string): Promise<ScheduleInfo | null>;
    listSchedules(queue: string): Promise<ScheduleInfo[]>;
    advanceSchedule(queue: string, id: string, at: number, nextAt: number): Promise<AdvanceOutcome>;
    pauseSchedule(queue: string, id: string): Promise<boolean>;
    resumeSchedule(queue: string, id: string, nextAt: number): Promise<"resumed" | "active" | "gone">;
    cancelSchedule(queue: string, id: string): Promise<boolean>;
    scheduleRuns(queue: string, id: string, limit: number): Promise<string[]>;
    close(): Promise<void>;
}
export { DEAD_TTL_MS, jobInfoFromHash };
