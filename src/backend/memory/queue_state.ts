/**
 * The state of one queue of the in-memory store: the counterpart of its
 * Redis keys.
 *
 * @module
 */

import type { FinishedStatus, JobInfo } from "../../core/job.ts";
import { FINISHED_STATES } from "../../core/queue_state.ts";
import type { JobFields } from "../../core/job_record.ts";
import { Deque } from "./deque.ts";
import { SortedSet } from "./sorted_set.ts";

/** A Redis hash: field → text. */
export type Hash = Record<string, string>;

/** A job's record: its fields (the Redis hash) and its expiry. */
export interface JobRecord {
  h: JobFields;
  /** When the record expires (epoch ms), like a Redis `PEXPIRE`. */
  expiresAt?: number;
}

/** A blocked `waitForWork` call. */
export interface Waiter {
  wake(): void;
}

/** The state of one queue: the in-memory counterpart of its Redis keys. */
export interface QueueState {
  readonly queue: string;
  readonly prefix: string;
  readonly jobs: Map<string, JobRecord>;
  readonly ready: Deque<string>;
  readonly deferred: SortedSet;
  readonly active: SortedSet;
  /** Per finished status, its index: the ids scored by when their record expires. */
  readonly indexes: Readonly<Record<FinishedStatus, SortedSet>>;
  /** Per minute (epoch ms / 60000), how many jobs finished in each status (the throughput hashes). */
  readonly throughput: Map<number, Partial<Record<FinishedStatus, number>>>;
  /** The "there may be work" marker (the Redis signal list holds at most one). */
  marker: boolean;
  /** Blocked `waitForWork` calls, longest waiting first (like `BLPOP` clients). */
  readonly waiters: Waiter[];
  /** `onFinished` listeners (the finished channel's subscribers). */
  readonly finished: Set<(id: string, info?: JobInfo) => void>;
  /** `onQueueEvents` listeners of progress (the channel's progress messages). */
  readonly progress: Set<(id: string, progress: unknown) => void>;
  /** Whether the queue is paused (the Redis paused key): no fetch leases a job of it. */
  paused: boolean;
  /** `onCancel` listeners (the cancel channel's subscribers), told of cancelled running jobs. */
  readonly cancels: Set<(id: string, token: string) => void>;
  /** Schedule records by id (the schedule hashes). */
  readonly scheduleRecords: Map<string, Hash>;
  /** Schedule ids scored by next run time. */
  readonly schedules: SortedSet;
  /** Per schedule, the ids of its recent started occurrences scored by due time. */
  readonly scheduleRuns: Map<string, SortedSet>;
}

/** The empty state of `queue` under `prefix`. */
export function newQueueState(prefix: string, queue: string): QueueState {
  return {
    queue,
    prefix,
    jobs: new Map(),
    ready: new Deque(),
    deferred: new SortedSet(),
    active: new SortedSet(),
    indexes: Object.fromEntries(FINISHED_STATES.map((s) => [s, new SortedSet()])) as Record<
      FinishedStatus,
      SortedSet
    >,
    throughput: new Map(),
    marker: false,
    waiters: [],
    finished: new Set(),
    progress: new Set(),
    paused: false,
    cancels: new Set(),
    scheduleRecords: new Map(),
    schedules: new SortedSet(),
    scheduleRuns: new Map(),
  };
}
