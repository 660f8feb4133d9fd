/**
 * The schedule part of the Redis backend: thin calls of the schedule scripts
 * (src/backend/redis/scripts/schedule_*.ts). `RedisBackend` delegates to it.
 *
 * @module
 */
import type { Redis } from "ioredis";
import { type NewSchedule, type ScheduleInfo } from "../../core/schedule.ts";
import type { AdvanceOutcome, ScheduleBackend, ScheduleUpsertResult } from "../schedule_backend.ts";
import type { QueueKeys } from "./keys.ts";
/** How many recent occurrence ids a schedule keeps (for its latest result). */
export declare const SCHEDULE_RUNS_KEPT = 20;
/** Schedule storage on one Redis client. */
export declare class RedisSchedules implements ScheduleBackend {
    #private;
    /**
     * @param client A client with the scripts defined on it.
     * @param keys The keys of a queue.
     */
    constructor(client: Redis, keys: (queue: string) => QueueKeys);
    time(): Promise<number>;
    upsertSchedule(s: NewSchedule): Promise<ScheduleUpsertResult>;
    getSchedule(queue: string, id: string): Promise<ScheduleInfo | null>;
    listSchedules(queue: string): Promise<ScheduleInfo[]>;
    advanceSchedule(queue: string, id: string, at: number, nextAt: number): Promise<AdvanceOutcome>;
    pauseSchedule(queue: string, id: string): Promise<boolean>;
    resumeSchedule(queue: string, id: string, nextAt: number): Promise<"resumed" | "active" | "gone">;
    cancelSchedule(queue: string, id: string): Promise<boolean>;
    scheduleRuns(queue: string, id: string, limit: number): Promise<string[]>;
}
