/**
 * The Redis implementation of {@linkcode Backend}: one Lua script per job
 * transition, defined once per client and called by SHA (ioredis falls back
 * to EVAL after a Redis restart emptied the script cache).
 *
 * @module
 */

import type { Backend, FetchRequest, FetchResult, RequeueRequest } from "../backend.ts";
import type {
  Completion,
  EnqueueOutcome,
  JobError,
  JobInfo,
  JobResult,
  JobStatus,
  LeasedJob,
  NewJob,
} from "../../core/job.ts";
import { isFinished, jobInfoFromHash, storedErrors, storedOptions } from "../../core/job.ts";
import { FINISHED_FIELDS } from "../../core/job_record.ts";
import { deliveryLimitError } from "../../core/store_errors.ts";
import { clampTtlMs, DEAD_TTL_MS } from "../../core/store_limits.ts";
import { type AnyRedis, closeClient, openClient, type RedisInput } from "./connection.ts";
import { GAVE_UP, unlessAborted } from "../../core/settle.ts";
import { type QueueKeys, queueKeys } from "./keys.ts";
import { READY_CHECK_MS, waitUntilReady } from "./ready_check.ts";
import { redisHeartbeat, redisListWorkers, redisUnregister } from "./worker_registry.ts";
import type { WorkerAnnouncement, WorkerInfo } from "../../core/worker_info.ts";
import { PartialEnqueueError } from "../partial_enqueue.ts";
import { scripts } from "./scripts/mod.ts";
import { withoutFlags } from "./scripts/common.ts";
import { isShebangUnsupported, redisStoreError, storeCall } from "./redis_errors.ts";
import { FinishedSubscriber } from "./finished_subscriber.ts";
import { withStoreFlags } from "./script_flags.ts";
import type { DurabilitySettings } from "./durability.ts";
import { keySlot, nodeKey } from "./key_slot.ts";
import { ReplicationError } from "../../errors.ts";
import type { Cluster, Redis } from "ioredis";
import {
  publishes,
  type PubSubMode,
  SHARDED_SUFFIX,
  shardedVariant,
  useSharded,
} from "./pubsub_mode.ts";
import { RedisSchedules } from "./schedules.ts";
import type { NewSchedule, ScheduleInfo } from "../../core/schedule.ts";
import type { AdvanceOutcome, ScheduleUpsertResult } from "../schedule_backend.ts";

/** Script arguments; an array argument is sent as its elements (no spread of long lists). */
type ScriptArg = string | number | (string | number)[];
type ScriptFn = (...args: ScriptArg[]) => Promise<unknown>;
/** The suffix of the name a script is defined under without its flags line (Redis < 7). */
const NO_FLAGS = "NoFlags";

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
  readonly #blocking = new Map<string, AnyRedis>();
  #subscriber: FinishedSubscriber | undefined;
  readonly #pubsub: PubSubMode;
  /** Whether finished messages use sharded pub/sub; `undefined` until known. */
  #sharded: boolean | undefined;
  #shardedKnown: Promise<boolean> | undefined;
  /** The scripts that publish (and so have a sharded variant). */
  readonly #publishing = new Set<string>();
  /** `WAIT` timeout for a replica, or `undefined` when writes do not wait. */
  readonly #replicaWaitMs: number | undefined;
  readonly #onUnconfirmedAck: ((error: ReplicationError) => void) | undefined;
  readonly #listeners = new Map<string, Set<(id: string, info?: JobInfo) => void>>();
  /** The queue of each finished channel subscribed to. */
  readonly #channelQueues = new Map<string, string>();
  /** Per channel, the SUBSCRIBE in flight or done. */
  readonly #subscribed = new Map<string, Promise<unknown>>();
  readonly #reconnectListeners = new Set<() => void>();
  readonly #schedules: RedisSchedules;
  #closed = false;
  /** Set once the server refused a script's flags line (Redis < 7): scripts run without it. */
  #noFlags = false;

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
    this.#pubsub = options.pubsub ?? "auto";
    this.#replicaWaitMs = options.durability?.durability === "replicated"
      ? options.durability.replicaTimeoutMs
      : undefined;
    this.#onUnconfirmedAck = options.onUnconfirmedAck;
    if (!["auto", "sharded", "broadcast"].includes(this.#pubsub)) {
      throw new TypeError(
        `Cannot connect to Redis: option pubsub is ${
          JSON.stringify(this.#pubsub)
        }, expected "auto", "sharded" or "broadcast"`,
      );
    }
    if (!client.isCluster) this.#sharded = false;
    for (const original of scripts) {
      const s = withStoreFlags(original);
      const all = client.isCluster && publishes(s) ? [s, shardedVariant(s)] : [s];
      if (all.length > 1) this.#publishing.add(s.name);
      for (const v of all) {
        if (!(v.name in client)) client.defineCommand(v.name, { numberOfKeys: v.keys, lua: v.lua });
        const plain = withoutFlags(v.lua);
        if (plain !== v.lua && !(v.name + NO_FLAGS in client)) {
          client.defineCommand(v.name + NO_FLAGS, { numberOfKeys: v.keys, lua: plain });
        }
      }
    }
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

  /** Waits (a few seconds at most) until the client is connected; see {@linkcode waitUntilReady}. */
  checkConnection(action: string, signal?: AbortSignal): Promise<void> {
    return waitUntilReady(this.client, action, READY_CHECK_MS, signal);
  }

  async #run(action: string, script: string, ...args: ScriptArg[]): Promise<unknown> {
    const commands = this.client as unknown as Record<string, ScriptFn>;
    try {
      if (this.#sharded === undefined) await this.#isSharded();
      const name = this.#sharded && this.#publishing.has(script) ? script + SHARDED_SUFFIX : script;
      if (this.#noFlags && name + NO_FLAGS in commands) {
        return await commands[name + NO_FLAGS](...args);
      }
      try {
        return await commands[name](...args);
      } catch (error) {
        if (!isShebangUnsupported(error) || !(name + NO_FLAGS in commands)) throw error;
        this.#noFlags = true;
        return await commands[name + NO_FLAGS](...args);
      }
    } catch (error) {
      throw redisStoreError(action, error);
    }
  }

  /** Whether finished messages use sharded pub/sub (asked once; a failed ask is asked again). */
  #isSharded(): Promise<boolean> {
    if (this.#sharded !== undefined) return Promise.resolve(this.#sharded);
    this.#shardedKnown ??= useSharded(this.client, this.#pubsub).then(
      (sharded) => this.#sharded = sharded,
      (error) => {
        this.#shardedKnown = undefined;
        throw error;
      },
    );
    return this.#shardedKnown;
  }

  /**
   * With durability `"replicated"`: waits until a replica has every write
   * made so far on the connection to `queue`'s primary (its master in a
   * cluster), or throws a {@linkcode ReplicationError} after the timeout.
   * A node demoted meanwhile refuses WAIT, and the call fails: the write
   * may have run there (a master paused past its failover runs the commands
   * it had buffered before it learns of its demotion), and is then lost when
   * it syncs from the new master; asking the new master would confirm
   * nothing about it (the fault suite's pause scenario shows both).
   */
  async #replicated(queue: string, action: string): Promise<void> {
    const ms = this.#replicaWaitMs;
    if (ms === undefined) return;
    let primary: Redis | Cluster = this.client;
    if (this.client.isCluster) {
      const cluster = this.client as Cluster;
      const owner = cluster.slots[keySlot(this.keys(queue).ready)]?.[0];
      const node = cluster.nodes("master").find((n) => nodeKey(n) === owner);
      if (!node) throw new ReplicationError(action, queue, ms);
      primary = node;
    }
    const confirmed = await storeCall(action, () => (primary as Redis).wait(1, ms));
    if (confirmed < 1) throw new ReplicationError(action, queue, ms);
  }

  /** {@linkcode RedisBackend.#replicated} for an ack: reported to `onUnconfirmedAck` when set. */
  async #ackReplicated(queue: string): Promise<void> {
    try {
      await this.#replicated(queue, "acknowledge jobs");
    } catch (error) {
      if (!(error instanceof ReplicationError) || !this.#onUnconfirmedAck) throw error;
      this.#onUnconfirmedAck(error);
    }
  }

  /** Runs a schedule write, then waits for a replica (durability `"replicated"`). */
  async #scheduleWrite<T>(queue: string, write: Promise<T>): Promise<T> {
    const out = await write;
    await this.#replicated(queue, "change recurring job");
    return out;
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
   * One script call per queue: a queue with one job uses `enqueue`, a queue
   * with more uses `enqueue_many` (atomic for that queue's jobs). The calls
   * for several queues are sent together, and succeed or fail on their own:
   * when some fail, a {@linkcode PartialEnqueueError} gives each job its own
   * queue's outcome or error.
   */
  async enqueue(jobs: NewJob[]): Promise<EnqueueOutcome[]> {
    if (jobs.length === 1) return [await this.#enqueueOne(jobs[0])];
    const byQueue = new Map<string, number[]>();
    jobs.forEach((job, i) => {
      const list = byQueue.get(job.queue);
      if (list) list.push(i);
      else byQueue.set(job.queue, [i]);
    });
    const out = new Array<EnqueueOutcome>(jobs.length);
    const settled = await Promise.allSettled([...byQueue].map(async ([queue, indexes]) => {
      if (indexes.length === 1) {
        out[indexes[0]] = await this.#enqueueOne(jobs[indexes[0]]);
        return;
      }
      const k = this.keys(queue);
      const args: (string | number)[] = [k.ready, k.deferred, k.signal, k.jobPrefix];
      for (const i of indexes) {
        const job = jobs[i];
        args.push(
          job.id,
          job.actor,
          job.argsJson,
          job.dueAt,
          job.options ? JSON.stringify(job.options) : "",
        );
      }
      const res =
        (await this.#run("enqueue jobs", "repidEnqueueMany", args)) as (number | JobStatus)[];
      await this.#replicated(queue, "enqueue jobs");
      indexes.forEach((i, n) => {
        out[i] = {
          created: res[3 * n] === 1,
          status: res[3 * n + 1] as JobStatus,
          enqueuedAt: Number(res[3 * n + 2]),
        };
      });
    }));
    if (settled.every((s) => s.status === "fulfilled")) return out;
    if (byQueue.size === 1) throw (settled[0] as PromiseRejectedResult).reason;
    // Queues succeed or fail on their own (another master, another error): say which.
    const errors = new Array<unknown>(jobs.length);
    [...byQueue.values()].forEach((indexes, q) => {
      const s = settled[q];
      if (s.status === "rejected") { for (const i of indexes) errors[i] = s.reason; }
    });
    throw new PartialEnqueueError(
      jobs.map((_, i) => errors[i] === undefined ? out[i] : undefined),
      errors,
    );
  }

  async #enqueueOne(job: NewJob): Promise<EnqueueOutcome> {
    const k = this.keys(job.queue);
    const [created, status, enqueuedAt] = await this.#run(
      "enqueue job",
      "repidEnqueue",
      k.jobPrefix + job.id,
      k.ready,
      k.deferred,
      k.signal,
      job.id,
      job.actor,
      job.argsJson,
      job.dueAt,
      job.options ? JSON.stringify(job.options) : "",
    ) as [number, JobStatus, number];
    await this.#replicated(job.queue, "enqueue job");
    return { created: created === 1, status, enqueuedAt: Number(enqueuedAt) };
  }

  async fetch(
    queue: string,
    max: number,
    leaseMs: number,
    token: string,
    maxStalls = 0,
  ): Promise<FetchResult> {
    const k = this.keys(queue);
    const out = await this.#run(
      "fetch jobs",
      "repidFetch",
      k.ready,
      k.deferred,
      k.active,
      k.signal,
      k.dead,
      k.jobPrefix,
      max,
      leaseMs,
      token,
      DEAD_TTL_MS,
      k.finished,
      maxStalls,
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
      k.dead,
      k.jobPrefix,
      fetch.max,
      fetch.leaseMs,
      fetch.token,
      DEAD_TTL_MS,
      k.finished,
      fetch.maxStalls ?? 0,
    ];
    pushCompletions(args, completions);
    const [acks, out] =
      (await this.#run("complete and fetch jobs", "repidCompleteFetch", args)) as [
        number[],
        (string | number)[],
      ];
    if (completions.length > 0) await this.#ackReplicated(queue);
    return { acked: acks.map((r) => r === 1), fetched: fetchResult(queue, fetch.token, out) };
  }

  async waitForWork(queue: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    let client = this.#blocking.get(queue);
    if (!client) {
      client = this.client.duplicate();
      client.on("error", () => {}); // reconnects by itself; the fetch loop reports outages
      this.#blocking.set(queue, client);
    }
    const blocking = client;
    // The wait ends on the first of: work (or BLPOP's timeout), the signal,
    // or the guard below. It never relies on the BLPOP's promise to settle:
    // ioredis leaves the promise of a command pending forever when its
    // connection is disconnected while reconnecting, which is what happens
    // to it in an outage (issue 11).
    let dropped = false;
    const drop = () => {
      if (dropped) return;
      dropped = true;
      if (this.#blocking.get(queue) === blocking) this.#blocking.delete(queue);
      blocking.disconnect();
    };
    // ioredis resends a BLPOP cut by a dropped connection, which restarts its
    // timeout, and keeps a BLPOP sent during an outage until it reconnects:
    // past the timeout plus a margin, drop this connection and return, so the
    // fetch loop (and the reclaim of expired leases) never waits longer.
    const ended = new AbortController();
    const end = () => ended.abort();
    const stop = ended.signal;
    const timer = setTimeout(end, timeoutMs + 1_000);
    signal.addEventListener("abort", end, { once: true });
    try {
      const popped = await unlessAborted(
        blocking.blpop(this.keys(queue).signal, Math.max(0.01, timeoutMs / 1000)),
        stop,
      );
      if (popped === GAVE_UP) drop();
    } catch (error) {
      if (!stop.aborted) throw redisStoreError("wait for work", error);
      drop();
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", end);
    }
  }

  async extendLeases(
    queue: string,
    leases: { id: string; token: string }[],
    leaseMs: number,
  ): Promise<string[]> {
    if (leases.length === 0) return [];
    const k = this.keys(queue);
    const args: (string | number)[] = [k.active, k.jobPrefix, leaseMs];
    for (const l of leases) args.push(l.id, l.token);
    return (await this.#run("renew leases", "repidExtend", ...args)) as string[];
  }

  async recordAttempt(
    queue: string,
    id: string,
    token: string,
    attempts: number,
    errors: JobError[],
  ): Promise<boolean> {
    const k = this.keys(queue);
    const ok = await this.#run(
      "record attempt of job",
      "repidRecordAttempt",
      k.jobPrefix + id,
      token,
      attempts,
      JSON.stringify(errors),
    );
    return ok === 1;
  }

  async complete(queue: string, completions: Completion[]): Promise<boolean[]> {
    if (completions.length === 0) return [];
    const k = this.keys(queue);
    const args: (string | number)[] = [k.active, k.jobPrefix, k.finished];
    pushCompletions(args, completions);
    const res = (await this.#run("complete jobs", "repidComplete", args)) as number[];
    await this.#ackReplicated(queue);
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
      k.dead,
      k.jobPrefix + r.id,
      r.id,
      r.token,
      r.delayMs,
      r.maxDeliveries,
      r.reason,
      JSON.stringify(deliveryLimitError(r.reason, r.maxDeliveries)),
      k.finished,
      clampTtlMs(r.ttlMs),
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
      k.dead,
      k.jobPrefix + id,
      id,
      token,
      reason,
      JSON.stringify(error),
      k.finished,
      clampTtlMs(ttlMs),
    );
    return ok === 1;
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

  async onFinished(
    queue: string,
    listener: (id: string, info?: JobInfo) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    try {
      return await this.#onFinished(queue, listener, onReconnect);
    } catch (error) {
      throw redisStoreError(`subscribe to the finished jobs of queue "${queue}"`, error);
    }
  }

  async #onFinished(
    queue: string,
    listener: (id: string, info?: JobInfo) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    const subscriber = await this.#ensureSubscriber();
    const channel = this.keys(queue).finished;
    this.#channelQueues.set(channel, queue);
    let set = this.#listeners.get(channel);
    if (!set) {
      set = new Set();
      this.#listeners.set(channel, set);
    }
    set.add(listener);
    if (onReconnect) this.#reconnectListeners.add(onReconnect);
    let subscribed = this.#subscribed.get(channel);
    if (!subscribed) {
      subscribed = subscriber.subscribe(channel);
      this.#subscribed.set(channel, subscribed);
    }
    const off = async () => {
      if (onReconnect) this.#reconnectListeners.delete(onReconnect);
      const s = this.#listeners.get(channel);
      if (!s?.delete(listener) || s.size > 0) return;
      this.#listeners.delete(channel);
      this.#subscribed.delete(channel);
      await this.#subscriber?.unsubscribe(channel);
    };
    try {
      await subscribed; // every listener, not only the first, waits for the SUBSCRIBE
    } catch (error) {
      await off().catch(() => {}); // so that the next call subscribes again
      throw error;
    }
    return off;
  }

  async #ensureSubscriber(): Promise<FinishedSubscriber> {
    const sharded = await this.#isSharded();
    this.#subscriber ??= new FinishedSubscriber(
      this.client,
      sharded,
      (channel, message) => {
        const set = this.#listeners.get(channel);
        if (!set) return;
        for (const { id, info } of parseFinished(this.#channelQueues.get(channel) ?? "", message)) {
          for (const f of set) f(id, info);
        }
      },
      () => {
        for (const f of this.#reconnectListeners) f();
      },
    );
    return this.#subscriber;
  }

  // Schedules (recurring jobs): see ./schedules.ts.
  time(queue?: string): Promise<number> {
    return this.#schedules.time(queue);
  }
  upsertSchedule(schedule: NewSchedule): Promise<ScheduleUpsertResult> {
    return this.#scheduleWrite(schedule.queue, this.#schedules.upsertSchedule(schedule));
  }
  getSchedule(queue: string, id: string): Promise<ScheduleInfo | null> {
    return this.#schedules.getSchedule(queue, id);
  }
  listSchedules(queue: string): Promise<ScheduleInfo[]> {
    return this.#schedules.listSchedules(queue);
  }
  advanceSchedule(queue: string, id: string, at: number, nextAt: number): Promise<AdvanceOutcome> {
    return this.#scheduleWrite(queue, this.#schedules.advanceSchedule(queue, id, at, nextAt));
  }
  pauseSchedule(queue: string, id: string): Promise<boolean> {
    return this.#scheduleWrite(queue, this.#schedules.pauseSchedule(queue, id));
  }
  resumeSchedule(
    queue: string,
    id: string,
    nextAt: number,
  ): Promise<"resumed" | "active" | "gone"> {
    return this.#scheduleWrite(queue, this.#schedules.resumeSchedule(queue, id, nextAt));
  }
  cancelSchedule(queue: string, id: string): Promise<boolean> {
    return this.#scheduleWrite(queue, this.#schedules.cancelSchedule(queue, id));
  }
  scheduleRuns(queue: string, id: string, limit: number): Promise<string[]> {
    return this.#schedules.scheduleRuns(queue, id, limit);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closing: Promise<void>[] = [];
    for (const c of this.#blocking.values()) c.disconnect();
    this.#blocking.clear();
    if (this.#subscriber) closing.push(this.#subscriber.close());
    if (this.#owned) closing.push(closeClient(this.client));
    await Promise.all(closing);
  }
}

/** Appends the 8 script arguments of each completion (see scripts/complete.ts). */
function pushCompletions(args: (string | number)[], completions: Completion[]): void {
  for (const c of completions) {
    args.push(
      c.id,
      c.token,
      c.status,
      c.valueJson,
      c.error ? JSON.stringify(c.error) : "",
      c.errors.length ? JSON.stringify(c.errors) : "[]",
      c.attempts,
      clampTtlMs(c.ttlMs),
    );
  }
}

/** Reads the reply of the fetch script (see scripts/fetch.ts). */
function fetchResult(queue: string, token: string, out: (string | number)[]): FetchResult {
  const now = Number(out[1]);
  const jobs: LeasedJob[] = [];
  for (let i = 2; i < out.length; i += 8) {
    jobs.push({
      id: String(out[i]),
      queue,
      actor: String(out[i + 1]),
      argsJson: String(out[i + 2]),
      token,
      deliveries: Number(out[i + 3]),
      attempts: Number(out[i + 4]),
      errors: storedErrors(String(out[i + 5])),
      enqueuedAt: Number(out[i + 6]),
      startedAt: now,
      options: storedOptions(String(out[i + 7])),
    });
  }
  return { jobs, wakeInMs: Number(out[0]) };
}

/** The fields of a job's hash that make up its result (see `jobInfoFromHash`). */
const RESULT_FIELDS = [...FINISHED_FIELDS, "reason"] as const;

/**
 * Reads a finished-channel message: the jobs it announces, each with its
 * finished state when the message carries it (`info` is left out otherwise,
 * and when the message does not have the expected shape). A message is
 * either one job id, or 11 lines per job (see scripts/complete.ts).
 */
export function parseFinished(
  queue: string,
  message: string,
): { id: string; info?: JobInfo }[] {
  const parts = message.split("\n");
  const width = FINISHED_FIELDS.length + 1;
  if (parts.length % width !== 0) return [{ id: parts[0] }];
  const out: { id: string; info?: JobInfo }[] = [];
  for (let at = 0; at < parts.length; at += width) {
    const id = parts[at];
    const h: Record<string, string> = {};
    FINISHED_FIELDS.forEach((name, i) => {
      if (parts[at + i + 1] !== "") h[name] = parts[at + i + 1];
    });
    const info = h.status ? jobInfoFromHash(queue, id, h) : null;
    out.push(info?.result ? { id, info } : { id });
  }
  return out;
}

export { DEAD_TTL_MS, jobInfoFromHash };
