/**
 * The interface between `Worker`/`Repid` and a store. The Redis backend
 * implements it with one Lua script per transition; every transition of a
 * leased job presents the lease token and is refused when it no longer
 * matches.
 *
 * @module
 */

import type {
  Completion,
  EnqueueOutcome,
  FinishedStatus,
  JobError,
  JobInfo,
  JobOptions,
  JobResult,
  JobStatus,
  LeasedJob,
  NewJob,
  QueueStoreEvent,
} from "../core/job.ts";
import type { ScheduleBackend } from "./schedule_backend.ts";
import type { ThroughputMinute } from "../core/throughput.ts";
import type { WorkerAnnouncement, WorkerInfo } from "../core/worker_info.ts";
import type { GroupLimits, RateLimit } from "../core/flow.ts";
import type { QueueCounts, QueueState } from "../core/queue_state.ts";
import type { CursorPosition } from "../core/jobs_cursor.ts";

/** What one fetch returned. */
export interface FetchResult {
  /** The jobs now leased to the caller, due deferred ones first. */
  jobs: LeasedJob[];
  /**
   * Milliseconds until the next deferred job is due or the next lease
   * expires, whichever is sooner; `-1` when there is neither.
   */
  wakeInMs: number;
}

/** The fetch that rides with acks in {@linkcode Backend.completeAndFetch}. */
export interface FetchRequest {
  /** At most this many jobs. */
  max: number;
  /** How long the leases last. */
  leaseMs: number;
  /** The lease token. */
  token: string;
  /** Dead-letter a job whose lease expired more than this many times (0 or absent: never). */
  maxStalls?: number;
  /** The worker's group concurrency for the queue (0 or absent: none; the queue's setting wins). */
  groupConcurrency?: number;
}

/** A change of a queue's flow limits: the limits given are set, those given as `null` removed. */
export interface FlowLimitsChange {
  /** The queue's rate limit. */
  rate?: RateLimit | null;
  /** The queue's group limits. */
  groups?: { concurrency?: number | null; rate?: RateLimit | null };
}

/** A queue's flow limits as stored (see `setFlowLimits`). */
export interface FlowLimits {
  /** The queue's rate limit, or `null` for none. */
  rate: RateLimit | null;
  /** The queue's group limits (`{}`: none stored). */
  groups: GroupLimits;
}

/** What a lease renewal found: the leases that this token no longer holds. */
export interface LeaseRenewal {
  /** The ids whose lease is gone (expired and taken again, or finished elsewhere). */
  lost: string[];
  /** The ids whose job was cancelled while leased under this token (see {@linkcode Backend.cancelJob}). */
  cancelled: string[];
}

/** What {@linkcode Backend.cancelJob} did. */
export interface CancelOutcome {
  /** `true` when this call cancelled the job; `false` when it had finished (or was unknown). */
  cancelled: boolean;
  /** The job's status before the call, or `null` when the id is unknown (or its result expired). */
  before: JobStatus | null;
  /** The job's per-job options (an occurrence of a recurring job names its schedule). */
  options: JobOptions;
}

/** Dead-lettering or delaying a job that could not run. */
export interface RequeueRequest {
  /** The job. */
  id: string;
  /** The lease token. */
  token: string;
  /** How long to hold the job back before it may be delivered again. */
  delayMs: number;
  /** Dead-letter instead once the job has been delivered this many times (0: never). */
  maxDeliveries: number;
  /** The reason stored if it is dead-lettered. */
  reason: string;
  /** How long to keep a dead-lettered job's record. */
  ttlMs: number;
}

/**
 * Where a page of {@linkcode Backend.listJobs} ended: the last entry it
 * passed, and that entry's position (for a zset its score, for the queued
 * list how many entries from the tail it was).
 */
export type PagePosition = CursorPosition;

/** One page of {@linkcode Backend.listJobs}. */
export interface JobsPage {
  /** The jobs, newest first. */
  jobs: JobInfo[];
  /** Where the next page starts; absent on the last page. */
  next?: PagePosition;
}

/** What an action on one job did: whether it acted, and the job's status before (`null`: unknown). */
export interface JobActionOutcome {
  /** Whether the job was requeued / promoted / removed. */
  done: boolean;
  /** The job's status before the call, or `null` when no such job exists. */
  status: JobStatus | null;
}

/** What one batch of a bulk operation did. */
export interface BatchOutcome {
  /** How many jobs it requeued or removed. */
  moved: number;
  /** How many entries it took from the state (fewer than asked: the state is empty). */
  passed: number;
}

/** The store behind producers and workers (schedules: {@linkcode ScheduleBackend}). */
export interface Backend extends ScheduleBackend {
  /**
   * Adds jobs; an unfinished job with the same custom id is kept, not
   * duplicated. When the jobs of some queues are stored and others are not,
   * rejects with a `PartialEnqueueError` (src/backend/partial_enqueue.ts)
   * holding each job's outcome or its own queue's error.
   */
  enqueue(jobs: NewJob[]): Promise<EnqueueOutcome[]>;
  /**
   * Leases up to `max` jobs of `queue` for `leaseMs` under `token`: due
   * deferred jobs first, then queued ones in FIFO order. Expired leases of
   * the queue are returned to it first; a job whose lease has expired more
   * than `maxStalls` times (when above 0) is dead-lettered with reason
   * `stalled` instead, and announced as finished. Flow control (priorities,
   * groups with `groupConcurrency` unless the queue sets its own, rate limits,
   * expiry) applies as the README's "Flow control" says.
   */
  fetch(
    queue: string,
    max: number,
    leaseMs: number,
    token: string,
    maxStalls?: number,
    groupConcurrency?: number,
  ): Promise<FetchResult>;
  /**
   * Resolves when `queue` may have work, after at most `timeoutMs`, or when
   * `signal` aborts. Never rejects on abort.
   */
  waitForWork(queue: string, timeoutMs: number, signal: AbortSignal): Promise<void>;
  /**
   * Optional: calls `onWork(queue)` whenever one of `queues` may have got
   * work, and `onMissed()` when such calls may have been missed (a
   * reconnect, a silent connection); resolves once watching, with the
   * function that ends it. A worker serving many queues waits for their work
   * this way, on its own timers, rather than with one `waitForWork` each:
   * the store needs no connection per queue.
   */
  watchWork?(
    queues: string[],
    onWork: (queue: string) => void,
    onMissed: () => void,
  ): Promise<() => Promise<void>>;
  /**
   * Extends leases; returns the ids whose lease this token no longer holds,
   * telling apart those whose job was cancelled.
   */
  extendLeases(
    queue: string,
    leases: { id: string; token: string }[],
    leaseMs: number,
  ): Promise<LeaseRenewal>;
  /**
   * Stores a failed attempt of a job that will be retried; `false` if the
   * lease is lost. With `retryInMs`, the job also gives up its lease (and
   * its group slot) and waits deferred for that long.
   */
  recordAttempt(
    queue: string,
    id: string,
    token: string,
    attempts: number,
    errors: JobError[],
    retryInMs?: number,
  ): Promise<boolean>;
  /** Acks jobs and stores their results atomically; one `true`/`false` (lease lost) per job. */
  complete(queue: string, completions: Completion[]): Promise<boolean[]>;
  /**
   * Optional: `complete` followed by `fetch` of the same queue in one round
   * trip (the acks are applied first). A worker uses it, when present, to
   * lease the next jobs with the acks of the jobs that just finished.
   */
  completeAndFetch?(
    queue: string,
    completions: Completion[],
    fetch: FetchRequest,
  ): Promise<{ acked: boolean[]; fetched: FetchResult }>;
  /** Hands leases back so the jobs run elsewhere, at the head of the queue. */
  release(queue: string, leases: { id: string; token: string }[]): Promise<boolean[]>;
  /**
   * Puts a job back after a delay, or dead-letters it once it reached
   * `maxDeliveries`. Returns what happened, or `lost` when the lease is gone.
   */
  requeue(queue: string, request: RequeueRequest): Promise<"requeued" | "dead" | "lost">;
  /**
   * Stores `progressJson` as the latest progress of a leased job and
   * announces it on the queue's channel; `false` if the lease is lost.
   */
  setProgress(queue: string, id: string, token: string, progressJson: string): Promise<boolean>;
  /** Dead-letters a leased job with a reason; `false` if the lease is lost. */
  deadLetter(
    queue: string,
    id: string,
    token: string,
    reason: string,
    error: JobError,
    ttlMs: number,
  ): Promise<boolean>;
  /**
   * Pauses `queue`: once this resolves, no fetch leases a job of it (in any
   * process) until {@linkcode Backend.resumeQueue}; running jobs go on, and
   * enqueueing still works. The pause is stored: it outlives workers.
   * Resolves `true` when the queue was not paused before.
   */
  pauseQueue(queue: string): Promise<boolean>;
  /**
   * Resumes a paused `queue` and wakes the workers waiting for its work at
   * once. Resolves `true` when the queue was paused before.
   */
  resumeQueue(queue: string): Promise<boolean>;
  /** Whether `queue` is paused. */
  isQueuePaused(queue: string): Promise<boolean>;
  /**
   * Cancels a job that has not finished, in one step: a queued or deferred
   * job leaves its queue and never starts; a running job's lease is ended
   * (its worker's writes are refused from now on: a late ack loses) and its
   * id and lease token are announced to the workers ({@linkcode Backend.onCancel}).
   * The job's status becomes `cancelled` (a finished status) with a
   * `JobCancelledError` as its error, and it is announced finished. A
   * finished job is left as it is (the ack won).
   */
  cancelJob(queue: string, id: string): Promise<CancelOutcome>;
  /**
   * Calls `listener` with the id and lease token of every running job of
   * `queue` cancelled from now on, for the worker that runs it. The
   * subscription is active when the returned promise resolves; call the
   * returned function to unsubscribe. `onReconnect` is called after the
   * channel reconnected (a cancel may have been missed: the lease renewal
   * reports it anyway).
   */
  onCancel(
    queue: string,
    listener: (id: string, token: string) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>>;
  /**
   * The names of the queues that a job or a schedule was ever added to (a
   * registry the enqueues keep: no scan), sorted.
   */
  listQueues(): Promise<string[]>;
  /**
   * How many jobs of `queue` are in each state, exactly, from the sizes of
   * the structures the transitions keep (no scan; a finished job whose
   * record expired is not counted).
   */
  queueCounts(queue: string): Promise<QueueCounts>;
  /**
   * Up to `limit` jobs of `queue` in `state`, newest first (queued: the last
   * enqueued; deferred: the latest due; active: the latest lease expiry;
   * finished: the latest finished), resuming after `after`. A page may hold
   * fewer jobs when entries whose job moved on were passed over.
   */
  listJobs(
    queue: string,
    state: QueueState,
    limit: number,
    after?: PagePosition,
  ): Promise<JobsPage>;
  /**
   * Requeues up to `max` of the oldest finished jobs of `queue` in `status`
   * (see {@linkcode Backend.requeueJob}); one bounded batch.
   */
  requeueFinished(queue: string, status: FinishedStatus, max: number): Promise<BatchOutcome>;
  /**
   * Sends a finished job through again under its id: queued at the tail,
   * with a fresh attempt budget, its arguments and earlier errors kept.
   */
  requeueJob(queue: string, id: string): Promise<JobActionOutcome>;
  /**
   * Deletes up to `max` of the oldest jobs of `queue` in `state` (queued,
   * deferred or a finished state); one bounded batch.
   */
  purgeJobs(queue: string, state: QueueState, max: number): Promise<BatchOutcome>;
  /** Makes a deferred job due now. */
  promoteJob(queue: string, id: string): Promise<JobActionOutcome>;
  /** Deletes a job that is not in progress, whatever its state. */
  removeJob(queue: string, id: string): Promise<JobActionOutcome>;
  /** Reads a job, or `null` when the id is unknown (or its result expired). */
  getJob(queue: string, id: string): Promise<JobInfo | null>;
  /**
   * Reads how jobs of `queue` stand, for waits on their results: per id, in
   * order, the job's result once it has finished, `"unfinished"` before,
   * or `null` when the id is unknown (or its result expired). Reads only the
   * status of each job, and the result's fields of the finished ones: never
   * the arguments. Callers keep `ids` to some hundreds per call.
   */
  readResults(queue: string, ids: string[]): Promise<(JobResult | "unfinished" | null)[]>;
  /**
   * Calls `listener` with the id of every job of `queue` that finishes from
   * now on, and with the job's finished state when the notification carries
   * it (then no read is needed). The subscription is active when the returned
   * promise resolves; call the returned function to unsubscribe.
   * `onReconnect` is called after the notification channel reconnected
   * (notifications may have been missed).
   */
  onFinished(
    queue: string,
    listener: (id: string, info?: JobInfo) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>>;
  /**
   * The jobs of `queue` that finished in each minute from the minute of
   * `since` (epoch ms) to the current one (store clock), oldest first, with
   * every minute present (0 when none finished); the counts are kept for 24
   * hours, so an earlier `since` starts 24 hours ago.
   */
  throughput(queue: string, since: number): Promise<ThroughputMinute[]>;
  /**
   * How long the job of `queue` that waits longest has waited, in
   * milliseconds (store clock): the head of the queue, or a deferred job
   * past its due time, whichever waits since earlier; 0 when none waits.
   */
  oldestWaitingMs(queue: string): Promise<number>;
  /**
   * Calls `listener` with every event of `queue` from now on: each job that
   * finishes (as {@linkcode Backend.onFinished} tells it) and each progress
   * a running job reports. Resolves once subscribed, with the function
   * that unsubscribes; `onReconnect` as for `onFinished`.
   */
  onQueueEvents(
    queue: string,
    listener: (event: QueueStoreEvent) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>>;
  /**
   * Optional (partitioned queues): records that `queue` has `n` partitions
   * unless a count is recorded already, and resolves with the count
   * recorded (the caller compares). A store without it has no partitions.
   * `action` (such as `"start worker"`) is what its errors name.
   */
  declarePartitions?(queue: string, n: number, action?: string): Promise<number>;
  /** Optional: the partition count recorded for `queue`, 1 when none is; errors name `action`. */
  readPartitions?(queue: string, action?: string): Promise<number>;
  /**
   * Optional (the workers' registry): registers a running worker, or renews
   * its registration, for `ttlMs` from now (store clock).
   */
  heartbeatWorker?(worker: WorkerAnnouncement, ttlMs: number): Promise<void>;
  /** Optional: removes a worker's registration (on stop). */
  unregisterWorker?(id: string): Promise<void>;
  /** Optional: the workers whose registration has not expired. */
  listWorkers?(): Promise<WorkerInfo[]>;
  /**
   * Optional: resolves once the store answers; rejects with a
   * `ConnectionError` naming the store's address and the cause when it does
   * not within a few seconds (a worker checks this at start), or when
   * `signal` aborts.
   */
  checkConnection?(action: string, signal?: AbortSignal): Promise<void>;
  /**
   * Optional: changes a queue's flow limits, at once for every worker:
   * `rate` (a `RateLimit`, or `null` to remove it) and `groups` (the group
   * limits; a field given as `null` is removed), when given.
   */
  setFlowLimits?(queue: string, limits: FlowLimitsChange): Promise<void>;
  /** Optional: a queue's flow limits as stored. */
  getFlowLimits?(queue: string): Promise<FlowLimits>;
  /** Closes every connection the backend opened. */
  close(): Promise<void>;
}
