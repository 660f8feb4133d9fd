/**
 * Repid: a job queue for Deno and Node.js over Redis. Workers hold actors
 * (named handlers); producers enqueue jobs by actor name onto FIFO queues and
 * await their stored results. Delivery is at least once: a fetched job is
 * leased, its lease is renewed while it runs, and a job whose worker died
 * runs again elsewhere, so write actors that may safely run twice.
 *
 * @example Worker and producer
 * ```ts
 * import { Repid, Worker } from "@repid/repid";
 *
 * const worker = new Worker("memory://", { concurrency: 50, logger: "silent" });
 * worker.actor(async function string_length(theString: string): Promise<number> {
 *   return theString.length;
 * });
 * const running = worker.runForever({ handleSignals: false });
 *
 * const producer = new Repid("memory://");
 * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
 * console.log((await job.result).value); // 5
 *
 * await worker.stop();
 * await running;
 * await producer.close();
 * ```
 *
 * @module
 */

export {
  ActorLoadError,
  ConnectionError,
  JobCancelledError,
  JobNotFoundError,
  JobTimeoutError,
  LeaseLostError,
  NonJsonResultError,
  PartitionsMismatchError,
  ProducerClosedError,
  QueueNotFoundError,
  RepidError,
  ReplicationError,
  ResultTimeoutError,
  type StoreCondition,
  StoreRefusedError,
  StoreUnavailableError,
  ThreadCrashError,
  UnknownActorError,
  WorkerShutdownError,
} from "./src/errors.ts";
export type {
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
} from "./src/core/job.ts";
export type { QueueCounts, QueueState, Retention } from "./src/core/queue_state.ts";
export type { Backoff } from "./src/core/backoff.ts";
export { consoleLogger } from "./src/log.ts";
export type { Logger, LogLevel } from "./src/log.ts";
export type {
  ActorDefinition,
  ActorFunction,
  ActorLike,
  ActorMap,
  ActorOptions,
  ArgsOf,
  FunctionOf,
  JobContext,
  ModuleActorOptions,
  ResultOf,
} from "./src/core/actor_types.ts";
export { defineActor } from "./src/worker/actor.ts";
export {
  type JobEventFields,
  type RunOptions,
  type StopOptions,
  Worker,
  type WorkerEventListener,
  type WorkerEventMap,
  type WorkerEventName,
  type WorkerHealth,
  type WorkerOptions,
} from "./src/worker/worker.ts";
export type {
  ActorOf,
  AnyActors,
  BulkJob,
  BulkResultOf,
  EnqueueArgs,
  EnqueueOptions,
  JobSettings,
} from "./src/producer/enqueue_options.ts";
export { type CancelResult, Job } from "./src/producer/job.ts";
export { type LiveWorker, Repid, type RepidOptions } from "./src/producer/repid.ts";
export {
  type JobsPageResult,
  type JobsQuery,
  Queue,
  type QueueContext,
  type ThroughputOptions,
} from "./src/producer/queue_handle.ts";
export type { ThroughputMinute } from "./src/core/throughput.ts";
export {
  type QueueEvent,
  QueueEvents,
  type QueueEventsOptions,
  type QueueFinishedEvent,
  type QueueProgressEvent,
} from "./src/producer/queue_events.ts";
export type { GroupLimits, RateLimit } from "./src/core/flow.ts";
export type { FlowLimits, FlowLimitsChange } from "./src/backend/backend.ts";
export type { WaitOptions } from "./src/producer/result_waiter.ts";
export type { UnknownActorsPolicy } from "./src/producer/actor_presence.ts";
export type { WorkerAnnouncement, WorkerInfo } from "./src/core/worker_info.ts";
export type { Durability } from "./src/backend/redis/durability.ts";
export type {
  RedisClient,
  RedisClusterClient,
  RedisInput,
} from "./src/backend/redis/connection.ts";
export type {
  Backend,
  BatchOutcome,
  CancelOutcome,
  FetchRequest,
  FetchResult,
  JobActionOutcome,
  JobsPage,
  LeaseRenewal,
  PagePosition,
  RequeueRequest,
} from "./src/backend/backend.ts";
export type { CursorPosition } from "./src/core/jobs_cursor.ts";
export { days, hours, minutes, seconds } from "./src/core/durations.ts";
export type {
  NewSchedule,
  ScheduleInfo,
  ScheduleOutcome,
  ScheduleRule,
  ScheduleStatus,
} from "./src/core/schedule.ts";
export {
  type RecurringOptions,
  type RecurringSettings,
  Schedule,
} from "./src/producer/schedule.ts";
export type {
  AdvanceOutcome,
  ScheduleBackend,
  ScheduleUpsertResult,
} from "./src/backend/schedule_backend.ts";
export {
  MemoryBackend,
  type MemoryBackendOptions,
  type MemoryQueueCounts,
} from "./src/backend/memory/memory_backend.ts";
