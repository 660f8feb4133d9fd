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
  /** Flow control (the `flow` fragment's keys): see `flow_ops.ts`. */
  readonly flow: FlowState;
}

/** The flow control state of one queue: the counterpart of its flow keys. */
export interface FlowState {
  /** `prio`: waiting ungrouped jobs of a priority other than 0, by score. */
  readonly prio: SortedSet;
  /** `gq:<group>`: each group's waiting jobs, by score. */
  readonly groupJobs: Map<string, SortedSet>;
  /** `groups`: the groups with waiting jobs, by turn. */
  readonly ring: SortedSet;
  /** `grun`: running jobs per group. */
  readonly running: Map<string, number>;
  /** `gwait`: groups held back by their rate, until when. */
  readonly held: SortedSet;
  /** `grate:<group>`: each group's recent starts. */
  readonly groupStarts: Map<string, SortedSet>;
  /** `rate`: the queue's recent starts. */
  readonly starts: SortedSet;
  /** `expiring`: jobs with an expiry, by expiry. */
  readonly expiring: SortedSet;
  /** `waiting`: the jobs in `prio` and the groups' sets, by enqueue time (their listing). */
  readonly waiting: SortedSet;
  /** The `flow` hash: limits and counters. */
  readonly settings: FlowSettings;
}

/** The `flow` hash of a queue. */
export interface FlowSettings {
  seq: number;
  ring: number;
  turn: number;
  /** Jobs waiting in the groups' sets. */
  groupWaiting: number;
  rateMax?: number;
  ratePerMs?: number;
  groupConcurrency?: number;
  groupRateMax?: number;
  groupRatePerMs?: number;
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
    flow: {
      prio: new SortedSet(),
      groupJobs: new Map(),
      ring: new SortedSet(),
      running: new Map(),
      held: new SortedSet(),
      groupStarts: new Map(),
      starts: new SortedSet(),
      expiring: new SortedSet(),
      waiting: new SortedSet(),
      settings: { seq: 0, ring: 0, turn: 0, groupWaiting: 0 },
    },
  };
}

/** Whether the queue takes the flow path of fetch (a rate limit, or flow jobs). */
export function usesFlow(f: FlowState): boolean {
  return f.settings.rateMax !== undefined || f.prio.size > 0 || f.ring.size > 0 ||
    f.held.size > 0 || f.expiring.size > 0;
}

/** Whether the flow state holds nothing to keep: no limits, no waiting or running flow jobs. */
export function flowIdle(f: FlowState): boolean {
  const s = f.settings;
  return !usesFlow(f) && f.running.size === 0 && s.groupConcurrency === undefined &&
    s.groupRateMax === undefined;
}
