/**
 * The Redis implementation of {@linkcode Backend}: one Lua script per job
 * transition, defined once per client and called by SHA (ioredis falls back
 * to EVAL after a Redis restart emptied the script cache).
 *
 * @module
 */

import type {
  Backend,
  BatchOutcome,
  CancelOutcome,
  FetchRequest,
  FetchResult,
  FlowLimits,
  FlowLimitsChange,
  JobActionOutcome,
  JobsPage,
  LeaseRenewal,
  PagePosition,
  RequeueRequest,
} from "../backend.ts";
import { FLOW_LIMIT_FIELDS, flowLimitFields, flowLimitsFrom } from "./flow_limit_fields.ts";
import { queuedPage } from "../queued_pages.ts";
import type {
  Completion,
  EnqueueOutcome,
  FinishedStatus,
  JobError,
  JobInfo,
  JobResult,
  JobStatus,
  NewJob,
  QueueStoreEvent,
} from "../../core/job.ts";
import { isFinished, jobInfoFromHash, storedOptions, waitingSince } from "../../core/job.ts";
import { cancelledError, deliveryLimitError } from "../../core/store_errors.ts";
import { clampTtlMs, DEAD_TTL_MS } from "../../core/store_limits.ts";
import { type AnyRedis, closeClient, openClient, type RedisInput } from "./connection.ts";
import {
  finishedIndex,
  type QueueKeys,
  queueKeys,
  queueNamesKey,
  THROUGHPUT_KEY_PART,
} from "./keys.ts";
import { type ThroughputMinute, throughputMinutes, throughputRow } from "../../core/throughput.ts";
import { READY_CHECK_MS, waitUntilReady } from "./ready_check.ts";
import { redisHeartbeat, redisListWorkers, redisUnregister } from "./worker_registry.ts";
import type { WorkerAnnouncement, WorkerInfo } from "../../core/worker_info.ts";
import { type EnqueueContext, enqueueJobs } from "./enqueue_calls.ts";
import { redisStoreError, storeCall } from "./redis_errors.ts";
import { BlockingWaits } from "./blocking_waits.ts";
import { WorkWakes } from "./work_wakes.ts";
import { FinishedChannels } from "./finished_channels.ts";
import {
  fetchResult,
  parseCancel,
  parseChannelMessage,
  pushCompletions,
  RESULT_FIELDS,
} from "./replies.ts";
import type { DurabilitySettings } from "./durability.ts";
import type { ReplicationError } from "../../errors.ts";
import type { PubSubMode } from "./pubsub_mode.ts";
import { RedisSchedules } from "./schedules.ts";
import { ReplicaWaits } from "./replica_waits.ts";
import { type ScriptArg, ScriptRunner } from "./script_runner.ts";
import type { NewSchedule, ScheduleInfo } from "../../core/schedule.ts";
import {
  FINISHED_STATES,
  QUEUE_STATES,
  type QueueCounts,
  type QueueState,
  type Retention,
} from "../../core/queue_state.ts";
import type { AdvanceOutcome, ScheduleUpsertResult } from "../schedule_backend.ts";

/** Options of {@linkcode RedisBackend}. */
export interface RedisBackendOptions {
  /**
   * The first part of every key.
   * @default {"repid"}
   */
  prefix?: string;
  /**
   * For a URL: connect on the first command (or `checkConnection()`), not at
   * once, so that an unused backend holds no socket.
   * @default {false}
   */
  lazyConnect?: boolean;
  /**
   * How finished jobs are announced to waiting producers: see
   * {@linkcode PubSubMode}. Workers and producers of one cluster must agree,
   * which `"auto"` does by itself.
   * @default {"auto"}
   */
  pubsub?: PubSubMode;
  /**
   * Whether writes wait for a replica (`WAIT`); see `Durability` (durability.ts).
   * @default {{ durability: "primary", replicaTimeoutMs: 1000 }}
   */
  durability?: DurabilitySettings;
  /**
   * With durability `"replicated"`, called for an ack that no replica
   * confirmed in time (the ack stands on the primary), instead of failing it.
   * @default {undefined: the ack fails with the ReplicationError}
   */
  onUnconfirmedAck?: (error: ReplicationError) => void;
  /**
   * How many finished jobs of each state a queue keeps at most, besides the
   * result TTL (see {@linkcode Retention}); applied by the calls that finish
   * jobs.
   * @default {{} (no limit: the result TTL alone)}
   */
  retention?: Retention;
}

/**
 * The Redis store. Every call rejects with Repid's errors only: a
 * `StoreUnavailableError` while Redis cannot serve it for now (connection
 * down, out of memory, loading…), a `StoreRefusedError` for an error reply,
 * each with the ioredis error as `cause`.
 */
export class RedisBackend implements Backend {
  /** The client that runs the scripts. */
  readonly client: AnyRedis;
  readonly #owned: boolean;
  readonly #prefix: string;
  readonly #keys = new Map<string, QueueKeys>();
  readonly #waits: BlockingWaits;
  readonly #wakes: WorkWakes;
  readonly #finished: FinishedChannels<QueueStoreEvent>;
  readonly #cancels: FinishedChannels<{ id: string; token: string }>;
  readonly #scripts: ScriptRunner;
  readonly #replicas: ReplicaWaits;
  readonly #enqueueContext: EnqueueContext;
  readonly #schedules: RedisSchedules;
  readonly #keep: Required<Retention>;
  /** The queues this backend added to the registry of queue names. */
  readonly #registered = new Set<string>();
  #closed = false;

  /**
   * @param redis An ioredis client (used as is, never closed by us) or a URL.
   * @param options The key prefix.
   */
  constructor(redis: RedisInput, options: RedisBackendOptions = {}) {
    const { client, owned } = openClient(redis, "Cannot connect to Redis", {
      lazyConnect: options.lazyConnect ?? false,
    });
    this.client = client;
    this.#owned = owned;
    this.#prefix = options.prefix ?? "repid";
    this.#keep = { done: 0, failed: 0, dead: 0, cancelled: 0, ...options.retention };
    this.#replicas = new ReplicaWaits(
      client,
      (queue) => this.keys(queue).ready,
      options.durability?.durability === "replicated"
        ? options.durability.replicaTimeoutMs
        : undefined,
      options.onUnconfirmedAck,
    );
    this.#scripts = new ScriptRunner(client, options.pubsub ?? "auto");
    this.#enqueueContext = {
      queueKeys: (queue) => this.keys(queue),
      run: (action, script, ...args) => this.#scripts.run(action, script, ...args),
      written: (queue, action, write) => this.#replicas.written(queue, action, write),
    };
    this.#waits = new BlockingWaits(client, (queue) => this.keys(queue).signal);
    this.#wakes = new WorkWakes(
      client,
      () => this.#scripts.isSharded(),
      (queue) => this.keys(queue).signal,
    );
    const channels = <E>(
      channel: "finished" | "cancel",
      parse: (queue: string, message: string) => E[],
      what: string,
    ) =>
      new FinishedChannels(
        client,
        () => this.#scripts.isSharded(),
        (queue) => this.keys(queue)[channel],
        parse,
        what,
      );
    this.#finished = channels("finished", parseChannelMessage, "finished jobs");
    this.#cancels = channels("cancel", parseCancel, "cancelled jobs");
    this.#schedules = new RedisSchedules(
      client,
      (queue) => this.keys(queue),
      (action, name, ...args) => this.#run(action, name, ...args),
    );
  }

  /** Registers or renews a worker (see `worker_registry.ts`). */
  heartbeatWorker(worker: WorkerAnnouncement, ttlMs: number): Promise<void> {
    return storeCall(
      "renew the worker's registration",
      () => redisHeartbeat(this.client, this.#prefix, worker, ttlMs),
    );
  }

  /** Removes a worker's registration. */
  unregisterWorker(id: string): Promise<void> {
    return storeCall(
      "remove the worker's registration",
      () => redisUnregister(this.client, this.#prefix, id),
    );
  }

  /** The workers whose registration has not expired. */
  listWorkers(): Promise<WorkerInfo[]> {
    return storeCall("list workers", () => redisListWorkers(this.client, this.#prefix));
  }

  /** Records `n` partitions for `queue` unless a count is recorded (`SET NX`); the count recorded. */
  declarePartitions(
    queue: string,
    n: number,
    action = `declare the partitions of queue "${queue}"`,
  ): Promise<number> {
    const key = this.keys(queue).partitions;
    return storeCall(action, async () => {
      const replies = await this.client.multi().set(key, n, "NX").get(key).exec();
      const error = replies?.find(([e]) => e)?.[0];
      if (error) throw error;
      return Number(replies?.[1]?.[1] ?? n);
    });
  }

  /** The partition count recorded for `queue`, 1 when none is. */
  readPartitions(
    queue: string,
    action = `read the partitions of queue "${queue}"`,
  ): Promise<number> {
    return storeCall(
      action,
      async () => Number(await this.client.get(this.keys(queue).partitions) ?? 1),
    );
  }

  /** Waits (a few seconds at most) until the client is connected; see {@linkcode waitUntilReady}. */
  checkConnection(action: string, signal?: AbortSignal): Promise<void> {
    return waitUntilReady(this.client, action, READY_CHECK_MS, signal);
  }

  #run(action: string, script: string, ...args: ScriptArg[]): Promise<unknown> {
    return this.#scripts.run(action, script, ...args);
  }

  /** The keys of `queue`. */
  keys(queue: string): QueueKeys {
    let k = this.#keys.get(queue);
    if (!k) {
      k = queueKeys(this.#prefix, queue);
      this.#keys.set(queue, k);
    }
    return k;
  }

  /**
   * See {@linkcode enqueueJobs}; the queues are added to the registry of queue
   * names once (alongside: a failed registration is tried again at the next
   * enqueue, and never fails the enqueue, whose jobs are stored).
   */
  enqueue(jobs: NewJob[]): Promise<EnqueueOutcome[]> {
    // Mostly every queue is registered already: then the enqueue is all.
    const fresh = this.#unregistered(jobs);
    if (!fresh) return enqueueJobs(this.#enqueueContext, jobs);
    return this.#enqueueRegistering(jobs, fresh);
  }

  async #enqueueRegistering(jobs: NewJob[], fresh: string[]): Promise<EnqueueOutcome[]> {
    // The enqueue's own error comes first. A registration that failed beside a
    // stored enqueue is not the caller's failure: a later enqueue registers again.
    const [out] = await Promise.allSettled([
      enqueueJobs(this.#enqueueContext, jobs),
      this.#register(fresh).catch(() => {}),
    ]);
    if (out.status === "rejected") throw out.reason;
    return out.value;
  }

  /**
   * The queues of `items` not yet added by this backend to the registry of
   * queue names, marked as added (`undefined` when there is none).
   */
  #unregistered(items: { queue: string }[]): string[] | undefined {
    let fresh: string[] | undefined;
    let last: string | undefined;
    for (const { queue } of items) {
      if (queue === last) continue; // a run of one queue's jobs: looked up once
      last = queue;
      if (!this.#registered.has(queue)) {
        this.#registered.add(queue);
        (fresh ??= []).push(queue);
      }
    }
    return fresh;
  }

  /** Adds the queues of `items` not yet added by this backend to the registry of queue names. */
  async #registerQueues(items: { queue: string }[]): Promise<void> {
    const fresh = this.#unregistered(items);
    if (fresh) await this.#register(fresh);
  }

  /** Adds `names` (just marked as added) to the registry of queue names. */
  async #register(names: string[]): Promise<void> {
    try {
      await storeCall(
        "register queues",
        () => this.client.sadd(queueNamesKey(this.#prefix), names),
      );
    } catch (error) {
      for (const queue of names) this.#registered.delete(queue);
      throw error;
    }
  }

  /** The registry of queue names (see {@linkcode queueNamesKey}). */
  async listQueues(): Promise<string[]> {
    const names = await storeCall(
      "list queues",
      () => this.client.smembers(queueNamesKey(this.#prefix)),
    );
    return names.sort();
  }

  async fetch(
    queue: string,
    max: number,
    leaseMs: number,
    token: string,
    maxStalls = 0,
    groupConcurrency = 0,
  ): Promise<FetchResult> {
    const k = this.keys(queue);
    const out = await this.#run(
      "fetch jobs",
      "repidFetch",
      k.ready,
      k.deferred,
      k.active,
      k.signal,
      k.states,
      k.jobPrefix,
      k.paused,
      k.leaseHint,
      max,
      leaseMs,
      token,
      DEAD_TTL_MS,
      k.finished,
      maxStalls,
      this.#keep.dead,
      groupConcurrency,
    ) as (string | number)[];
    return fetchResult(queue, token, out);
  }

  /**
   * Acks `completions` and then leases up to `fetch.max` jobs of `queue`,
   * in one script call (`complete_fetch`): one round trip instead of two.
   */
  async completeAndFetch(
    queue: string,
    completions: Completion[],
    fetch: FetchRequest,
  ): Promise<{ acked: boolean[]; fetched: FetchResult }> {
    const k = this.keys(queue);
    const args: (string | number)[] = [
      k.ready,
      k.deferred,
      k.active,
      k.signal,
      k.states,
      k.jobPrefix,
      k.paused,
      k.leaseHint,
      fetch.max,
      fetch.leaseMs,
      fetch.token,
      DEAD_TTL_MS,
      k.finished,
      fetch.maxStalls ?? 0,
      this.#keep.dead,
      this.#keep.done,
      this.#keep.failed,
      fetch.groupConcurrency ?? 0,
    ];
    pushCompletions(args, completions);
    const call = () => this.#run("complete and fetch jobs", "repidCompleteFetch", args);
    const [acks, out] =
      (await (completions.length > 0 ? this.#replicas.acked(queue, call) : call())) as [
        number[],
        (string | number)[],
      ];
    return { acked: acks.map((r) => r === 1), fetched: fetchResult(queue, fetch.token, out) };
  }

  waitForWork(queue: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    return this.#waits.wait(queue, timeoutMs, signal);
  }

  /** See {@linkcode Backend.watchWork}: one subscriber (per master) for the wake-ups of every queue. */
  watchWork(
    queues: string[],
    onWork: (queue: string) => void,
    onMissed: () => void,
  ): Promise<() => Promise<void>> {
    return this.#wakes.watch(queues, onWork, onMissed);
  }

  async extendLeases(
    queue: string,
    leases: { id: string; token: string }[],
    leaseMs: number,
  ): Promise<LeaseRenewal> {
    if (leases.length === 0) return { lost: [], cancelled: [] };
    const k = this.keys(queue);
    const args: (string | number)[] = [k.active, k.jobPrefix, leaseMs];
    for (const l of leases) args.push(l.id, l.token);
    const [lost, cancelled] = (await this.#run("renew leases", "repidExtend", ...args)) as [
      string[],
      string[],
    ];
    return { lost, cancelled };
  }

  async recordAttempt(
    queue: string,
    id: string,
    token: string,
    attempts: number,
    errors: JobError[],
    retryInMs?: number,
  ): Promise<boolean> {
    const k = this.keys(queue);
    const args: (string | number)[] = [k.jobPrefix + id, token, attempts, JSON.stringify(errors)];
    if (retryInMs !== undefined) args.push(retryInMs, id);
    const ok = await this.#run("record attempt of job", "repidRecordAttempt", ...args);
    return ok === 1;
  }

  async complete(queue: string, completions: Completion[]): Promise<boolean[]> {
    if (completions.length === 0) return [];
    const k = this.keys(queue);
    const args: (string | number)[] = [
      k.active,
      k.jobPrefix,
      k.states,
      k.finished,
      this.#keep.done,
      this.#keep.failed,
    ];
    pushCompletions(args, completions);
    const res = (await this.#replicas.acked(
      queue,
      () => this.#run("complete jobs", "repidComplete", args),
    )) as number[];
    return res.map((r) => r === 1);
  }

  async release(queue: string, leases: { id: string; token: string }[]): Promise<boolean[]> {
    if (leases.length === 0) return [];
    const k = this.keys(queue);
    const args: (string | number)[] = [k.active, k.ready, k.signal, k.jobPrefix];
    for (const l of leases) args.push(l.id, l.token);
    const res = (await this.#run("hand back jobs", "repidRelease", ...args)) as number[];
    return res.map((r) => r === 1);
  }

  async requeue(queue: string, r: RequeueRequest): Promise<"requeued" | "dead" | "lost"> {
    const k = this.keys(queue);
    return (await this.#run(
      "requeue job",
      "repidRequeue",
      k.active,
      k.deferred,
      k.signal,
      k.states,
      k.jobPrefix + r.id,
      r.id,
      r.token,
      r.delayMs,
      r.maxDeliveries,
      r.reason,
      JSON.stringify(deliveryLimitError(r.reason, r.maxDeliveries)),
      k.finished,
      clampTtlMs(r.ttlMs),
      this.#keep.dead,
    )) as "requeued" | "dead" | "lost";
  }

  async deadLetter(
    queue: string,
    id: string,
    token: string,
    reason: string,
    error: JobError,
    ttlMs: number,
  ): Promise<boolean> {
    const k = this.keys(queue);
    const ok = await this.#run(
      "dead-letter job",
      "repidDeadLetter",
      k.active,
      k.states,
      k.jobPrefix + id,
      id,
      token,
      reason,
      JSON.stringify(error),
      k.finished,
      clampTtlMs(ttlMs),
      this.#keep.dead,
    );
    return ok === 1;
  }

  async setProgress(
    queue: string,
    id: string,
    token: string,
    progressJson: string,
  ): Promise<boolean> {
    const k = this.keys(queue);
    const ok = await this.#run(
      "store progress of job",
      "repidProgress",
      k.jobPrefix + id,
      token,
      progressJson,
      k.finished,
      id,
    );
    return ok === 1;
  }

  async pauseQueue(queue: string): Promise<boolean> {
    const ok = await this.#run("pause queue", "repidQueuePause", this.keys(queue).paused);
    return ok === 1;
  }

  async resumeQueue(queue: string): Promise<boolean> {
    const k = this.keys(queue);
    return (await this.#run("resume queue", "repidQueueResume", k.paused, k.signal)) === 1;
  }

  async isQueuePaused(queue: string): Promise<boolean> {
    const paused = this.keys(queue).paused;
    return (await storeCall(
      `read whether queue "${queue}" is paused`,
      () => this.client.exists(paused),
    )) === 1;
  }

  async setFlowLimits(
    queue: string,
    limits: FlowLimitsChange,
  ): Promise<void> {
    const k = this.keys(queue);
    await this.#run("set the flow limits of queue", "repidFlowLimits", k.flow, k.signal, [
      ...flowLimitFields(limits),
    ]);
  }

  async getFlowLimits(queue: string): Promise<FlowLimits> {
    const f = await storeCall(
      `read the flow limits of queue "${queue}"`,
      () => this.client.hmget(this.keys(queue).flow, ...FLOW_LIMIT_FIELDS),
    );
    return flowLimitsFrom(f);
  }

  listJobs(
    queue: string,
    state: QueueState,
    limit: number,
    after?: PagePosition,
  ): Promise<JobsPage> {
    if (state !== "queued") return this.#jobsPage(queue, state, limit, after);
    // the ready list, then the prioritised and grouped jobs (flow control's index)
    return queuedPage(
      limit,
      after,
      (part, n, pos) =>
        part === "ready"
          ? this.#jobsPage(queue, state, n, pos)
          : this.#jobsPage(queue, state, n, pos, this.keys(queue).waiting),
    );
  }

  async #jobsPage(
    queue: string,
    state: QueueState,
    limit: number,
    after?: PagePosition,
    zset?: string,
  ): Promise<JobsPage> {
    const k = this.keys(queue);
    const [key, kind] = zset !== undefined
      ? [zset, "zset"]
      : state === "queued"
      ? [k.ready, "list"]
      : state === "deferred"
      ? [k.deferred, "zset"]
      : state === "active"
      ? [k.active, "zset"]
      : [finishedIndex(k, state), "index"];
    const out = (await this.#run(
      "list jobs",
      "repidJobsPage",
      key,
      k.jobPrefix,
      kind,
      limit,
      after?.id ?? "",
      after?.at ?? 0,
      state === "active" ? "in_progress" : state,
    )) as [string, number, ...(string | string[])[]];
    const jobs: JobInfo[] = [];
    for (let i = 2; i < out.length; i += 2) {
      const flat = out[i + 1] as string[];
      const h: Record<string, string> = {};
      for (let f = 0; f < flat.length; f += 2) h[flat[f]] = flat[f + 1];
      jobs.push(jobInfoFromHash(queue, out[i] as string, h));
    }
    return out[0] ? { jobs, next: { id: out[0], at: Number(out[1]) } } : { jobs };
  }

  async requeueFinished(
    queue: string,
    status: FinishedStatus,
    max: number,
  ): Promise<BatchOutcome> {
    const k = this.keys(queue);
    const [moved, passed] = (await this.#run(
      "requeue jobs",
      "repidRequeueFinished",
      k.states,
      k.ready,
      k.signal,
      k.jobPrefix,
      status,
      max,
    )) as number[];
    return { moved, passed };
  }

  async requeueJob(queue: string, id: string): Promise<JobActionOutcome> {
    const k = this.keys(queue);
    const [moved, , status] = (await this.#run(
      `requeue job "${id}"`,
      "repidRequeueFinished",
      k.states,
      k.ready,
      k.signal,
      k.jobPrefix,
      "",
      0,
      id,
    )) as [number, number, JobStatus | undefined];
    return { done: moved === 1, status: status ?? null };
  }

  async purgeJobs(queue: string, state: QueueState, max: number): Promise<BatchOutcome> {
    const k = this.keys(queue);
    const key = state === "queued"
      ? k.ready
      : state === "deferred"
      ? k.deferred
      : finishedIndex(k, state);
    const [moved, passed] = (await this.#run(
      "purge jobs",
      "repidPurge",
      key,
      k.states,
      k.jobPrefix,
      state,
      max,
    )) as number[];
    return { moved, passed };
  }

  async promoteJob(queue: string, id: string): Promise<JobActionOutcome> {
    const k = this.keys(queue);
    return actionOutcome(
      await this.#run(
        `promote job "${id}"`,
        "repidPromote",
        k.jobPrefix + id,
        k.deferred,
        k.signal,
        id,
      ),
    );
  }

  async removeJob(queue: string, id: string): Promise<JobActionOutcome> {
    const k = this.keys(queue);
    return actionOutcome(
      await this.#run(
        `remove job "${id}"`,
        "repidRemove",
        k.jobPrefix + id,
        k.ready,
        k.deferred,
        k.states,
        id,
      ),
    );
  }

  async queueCounts(queue: string): Promise<QueueCounts> {
    const k = this.keys(queue);
    const n = (await this.#run(
      "count jobs",
      "repidCounts",
      k.ready,
      k.deferred,
      k.active,
      k.states,
    )) as number[];
    return Object.fromEntries(QUEUE_STATES.map((s, i) => [s, Number(n[i])])) as QueueCounts;
  }

  async getJob(queue: string, id: string): Promise<JobInfo | null> {
    const h = await storeCall(
      `read job "${id}"`,
      () => this.client.hgetall(this.keys(queue).jobPrefix + id),
    );
    if (!h.status) return null;
    return jobInfoFromHash(queue, id, h);
  }

  /**
   * One `statuses` script call for the batch (one field per job), then an
   * HMGET of the result's fields for each finished job (never the arguments).
   */
  async readResults(queue: string, ids: string[]): Promise<(JobResult | "unfinished" | null)[]> {
    if (ids.length === 0) return [];
    const prefix = this.keys(queue).jobPrefix;
    const statuses =
      (await this.#run("read job statuses", "repidStatuses", prefix, ids)) as (string | null)[];
    return await Promise.all(statuses.map(async (status, i) => {
      if (!status) return null;
      if (!isFinished(status)) return "unfinished";
      const values = await storeCall(
        `read job "${ids[i]}"`,
        () => this.client.hmget(prefix + ids[i], ...RESULT_FIELDS),
      );
      const h: Record<string, string> = {};
      RESULT_FIELDS.forEach((name, n) => {
        if (values[n] !== null) h[name] = values[n]!;
      });
      if (!h.status) return null; // expired in between
      return jobInfoFromHash(queue, ids[i], h).result ?? "unfinished";
    }));
  }

  onFinished(
    queue: string,
    listener: (id: string, info?: JobInfo) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    return this.#finished.subscribe(queue, (e) => {
      if (e.type === "finished") listener(e.id, e.info);
    }, onReconnect);
  }

  /** One `cancel` script call; see {@linkcode Backend.cancelJob}. */
  async cancelJob(queue: string, id: string): Promise<CancelOutcome> {
    const k = this.keys(queue);
    const [cancelled, before, opts] = (await this.#run(
      `cancel job "${id}"`,
      "repidCancel",
      k.ready,
      k.deferred,
      k.active,
      k.states,
      k.jobPrefix + id,
      id,
      JSON.stringify(cancelledError(id)),
      DEAD_TTL_MS,
      k.finished,
      k.cancel,
      this.#keep.cancelled,
    )) as [number, string | null, string];
    return {
      cancelled: cancelled === 1,
      before: (before ?? null) as JobStatus | null,
      options: storedOptions(opts),
    };
  }

  onCancel(
    queue: string,
    listener: (id: string, token: string) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    return this.#cancels.subscribe(queue, (e) => listener(e.id, e.token), onReconnect);
  }

  /** The head of `ready` and the first due deferred job, read in one pipeline (then the head's times). */
  async oldestWaitingMs(queue: string): Promise<number> {
    const k = this.keys(queue);
    return await storeCall("read the oldest waiting job", async () => {
      const [time, head, due] = await this.client.pipeline()
        .time()
        .lindex(k.ready, 0)
        .zrange(k.deferred, 0, 0, "WITHSCORES")
        .exec() ?? [];
      for (const reply of [time, head, due]) if (reply?.[0]) throw reply[0];
      const [sec, micro] = time![1] as [string, string];
      const now = Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
      const since: number[] = [];
      const id = head![1] as string | null;
      if (id !== null) {
        const [enq, dueAt] = await this.client.hmget(k.jobPrefix + id, "enq", "due");
        const s = waitingSince(enq ?? undefined, dueAt ?? undefined);
        if (s !== undefined) since.push(s);
      }
      const first = due![1] as string[];
      if (first.length === 2 && Number(first[1]) <= now) since.push(Number(first[1]));
      return since.length ? Math.max(0, now - Math.min(...since)) : 0;
    });
  }

  /** One HMGET per minute of the range, in one pipeline (every key is in the queue's slot). */
  async throughput(queue: string, since: number): Promise<ThroughputMinute[]> {
    const minutes = throughputMinutes(since, await this.time(queue));
    const base = this.keys(queue).states + THROUGHPUT_KEY_PART;
    const replies = await storeCall("read throughput", async () => {
      const pipeline = this.client.pipeline();
      for (const m of minutes) pipeline.hmget(base + m, ...FINISHED_STATES);
      return (await pipeline.exec()) ?? [];
    });
    return minutes.map((m, i) => {
      const [error, values] = replies[i] ?? [null, []];
      if (error) throw redisStoreError("read throughput", error);
      const counts: Record<string, string | null> = {};
      FINISHED_STATES.forEach((s, n) => (counts[s] = (values as (string | null)[])[n]));
      return throughputRow(m, counts);
    });
  }

  onQueueEvents(
    queue: string,
    listener: (event: QueueStoreEvent) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    return this.#finished.subscribe(queue, listener, onReconnect);
  }

  // Schedules (recurring jobs): see ./schedules.ts.
  time(queue?: string): Promise<number> {
    return this.#schedules.time(queue);
  }
  async upsertSchedule(schedule: NewSchedule): Promise<ScheduleUpsertResult> {
    await this.#registerQueues([schedule]);
    return await this.#replicas.scheduleWrite(
      schedule.queue,
      () => this.#schedules.upsertSchedule(schedule),
    );
  }
  getSchedule(queue: string, id: string): Promise<ScheduleInfo | null> {
    return this.#schedules.getSchedule(queue, id);
  }
  listSchedules(queue: string): Promise<ScheduleInfo[]> {
    return this.#schedules.listSchedules(queue);
  }
  advanceSchedule(queue: string, id: string, at: number, nextAt: number): Promise<AdvanceOutcome> {
    return this.#replicas.scheduleWrite(
      queue,
      () => this.#schedules.advanceSchedule(queue, id, at, nextAt),
    );
  }
  pauseSchedule(queue: string, id: string): Promise<boolean> {
    return this.#replicas.scheduleWrite(queue, () => this.#schedules.pauseSchedule(queue, id));
  }
  resumeSchedule(
    queue: string,
    id: string,
    nextAt: number,
  ): Promise<"resumed" | "active" | "gone"> {
    return this.#replicas.scheduleWrite(
      queue,
      () => this.#schedules.resumeSchedule(queue, id, nextAt),
    );
  }
  cancelSchedule(queue: string, id: string): Promise<boolean> {
    return this.#replicas.scheduleWrite(queue, () => this.#schedules.cancelSchedule(queue, id));
  }
  scheduleRuns(queue: string, id: string, limit: number): Promise<string[]> {
    return this.#schedules.scheduleRuns(queue, id, limit);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closing: Promise<void>[] = [];
    this.#waits.close();
    closing.push(this.#finished.close(), this.#cancels.close(), this.#wakes.close());
    if (this.#owned) closing.push(closeClient(this.client));
    await Promise.all(closing);
  }
}

/** A `{ done (1 | 0), status }` script reply as a {@linkcode JobActionOutcome}. */
function actionOutcome(reply: unknown): JobActionOutcome {
  const [done, status] = reply as [number, JobStatus | undefined];
  return { done: done === 1, status: status ?? null };
}

export { DEAD_TTL_MS, jobInfoFromHash };
