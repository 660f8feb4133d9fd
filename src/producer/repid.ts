/**
 * The producer: enqueues jobs by actor name and hands back `Job` handles
 * (`job.ts`) whose results can be awaited; the enqueue options and their
 * validation are in `enqueue_options.ts`.
 *
 * @module
 */

import {
  ActorPresence,
  assertUnknownActorsPolicy,
  type UnknownActorsPolicy,
} from "./actor_presence.ts";
import { type Logger, type LogLevel, resolveLogger } from "../log.ts";
import type { Backend } from "../backend/backend.ts";
import type { RedisInput } from "../backend/redis/connection.ts";
import { openBackend } from "../backend/open_backend.ts";
import { assertRetention, type Retention } from "../core/queue_state.ts";
import { type Durability, durabilitySettings } from "../backend/redis/durability.ts";
import {
  type ActorDefinition,
  type ActorMap,
  type ArgsOf,
  isActorDefinition,
  type ResultOf,
} from "../core/actor_types.ts";
import type { NewJob } from "../core/job.ts";
import { assertJobId, assertName, assertPrefix } from "../core/names.ts";
import { assertDuration, HOUR_MS } from "../core/time.ts";
import { wrapStoreError } from "../backend/store_error.ts";
import { ProducerClosedError } from "../errors.ts";
import { EnqueueBatcher } from "./enqueue_batcher.ts";
import { PartitionRouter } from "./partition_router.ts";
import { logicalQueue, partitionQueues } from "../core/partitions.ts";
import { PartialEnqueueError } from "../backend/partial_enqueue.ts";
import {
  type ActorOf,
  type AnyActors,
  type BulkJob,
  type BulkResultOf,
  type EnqueueArgs,
  type EnqueueOptions,
  isRecurring,
  newJob,
  partitionKeyOf,
} from "./enqueue_options.ts";
import { type Job, JobHandles } from "./job.ts";
import { Queue, sumCounts } from "./queue_handle.ts";
import type { QueueCounts } from "../core/queue_state.ts";
import type { WorkerAnnouncement } from "../core/worker_info.ts";
import { QueueNotFoundError } from "../errors.ts";
import { ResultWaiter } from "./result_waiter.ts";
import { traceSends } from "./send_tracing.ts";
import type { QueueEvents } from "./queue_events.ts";
import type { ScheduleInfo } from "../core/schedule.ts";
import { type RecurringOptions, registerSchedule, Schedule } from "./schedule.ts";

/**
 * A live worker, as {@linkcode Repid.workers} lists it: what it announces
 * (its `id` is the `workerId` of the jobs it ran), how many jobs it runs,
 * and when it started and was last seen.
 */
export interface LiveWorker extends Omit<WorkerAnnouncement, "running"> {
  /** How many jobs it was running at its latest heartbeat. */
  running: number;
  /** When it started (epoch ms, store clock). */
  since: number;
  /** Its latest heartbeat (epoch ms, store clock). */
  lastSeen: number;
}

/** Options of a {@linkcode Repid} producer. */
export interface RepidOptions {
  /**
   * The first part of every Redis key; workers must use the same.
   * @default {"repid"}
   */
  prefix?: string;
  /**
   * While waiting for results, how often unfinished jobs are read again as a
   * safety net besides the notifications, in milliseconds, from 100 to
   * 3600000 (one hour).
   * @default {5000}
   */
  recheckMs?: number;
  /**
   * The store; overrides the `redis` argument (for example an in-memory backend).
   * @default {undefined (the store of the `redis` argument)}
   */
  backend?: Backend;
  /**
   * Whether enqueues and schedule changes also wait for a replica to confirm them (`WAIT`):
   * `"replicated"` fails the call with a `ReplicationError` when none does within `replicaTimeoutMs`.
   * See the README's "What replication does and does not keep".
   * @default {"primary"}
   */
  durability?: Durability;
  /**
   * With `durability: "replicated"`, how long a write waits for a replica, in milliseconds.
   * @default {1000}
   */
  replicaTimeoutMs?: number;
  /**
   * What to do when no running worker has the actor on the job's queue (per
   * the workers' registry, read at most every 2 s): `"warn"` logs one
   * warning per actor and queue when workers run but none has it (a
   * mistyped name), `"refuse"` rejects the enqueue with an
   * `UnknownActorError` (also when no worker runs), `"ignore"` checks nothing.
   * @default {"warn"}
   */
  unknownActors?: UnknownActorsPolicy;
  /**
   * How many finished jobs of each state a queue keeps at most, besides the
   * result TTL, for the jobs this producer finishes (cancels); see the
   * worker option of that name. With the `backend` option, give it to the
   * backend instead.
   * @default {{} (no limit: the result TTL alone)}
   */
  retention?: Retention;
  /**
   * Where to log (the warnings of `unknownActors`), or the level of the console logger.
   * @default {"warn"}
   */
  logger?: Logger | LogLevel;
  /**
   * Trace enqueues with OpenTelemetry (`@opentelemetry/api`): a `send <queue>`
   * PRODUCER span per job, whose `traceparent` is stored with the job. A
   * no-op until the application registers an OpenTelemetry SDK.
   * @default {true}
   */
  tracing?: boolean;
}

/**
 * The producer. Untyped, any actor name and arguments are accepted; typed
 * with a map of actors (`new Repid<typeof actors>(…)`), `enqueueJob` checks
 * the actor's name, its arguments and its result type at compile time.
 *
 * @example
 * ```ts
 * import { Repid, Worker } from "@repid/repid";
 *
 * const worker = new Worker("memory://", { logger: "silent" });
 * worker.actor(async function string_length(s: string) {
 *   return s.length;
 * });
 * const running = worker.runForever({ handleSignals: false });
 * const producer = new Repid("memory://");
 * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
 * console.log((await job.result).value); // 5
 * await worker.stop();
 * await running;
 * await producer.close();
 * ```
 */
export class Repid<A extends ActorMap = AnyActors> {
  readonly #backend: Backend;
  readonly #ownsBackend: boolean;
  readonly #waiter: ResultWaiter;
  readonly #handles: JobHandles;
  readonly #enqueues: EnqueueBatcher;
  readonly #presence: ActorPresence;
  readonly #tracing: boolean;
  /** The queue event iterations still open, ended on close. */
  readonly #queueEvents = new Set<QueueEvents>();
  readonly #router: PartitionRouter;
  /** Queues known to exist (a queue once known stays known: the registry only grows). */
  readonly #knownQueues = new Set<string>();
  #closed = false;

  /**
   * Creates a producer.
   *
   * @param redis An ioredis client (never closed by the producer; duplicated
   * for the result subscription) or a `redis://` URL, or `memory://name` for
   * the in-memory store shared in this process; `null` when `options.backend`
   * is given.
   * @param options The producer's options.
   */
  constructor(redis: RedisInput | null, options: RepidOptions = {}) {
    const action = "Cannot create producer";
    const prefix = assertPrefix(options.prefix ?? "repid", action);
    const recheckMs = options.recheckMs ?? 5_000;
    assertDuration(recheckMs, "recheckMs", action, 100, HOUR_MS);
    this.#tracing = options.tracing ?? true;
    if (typeof this.#tracing !== "boolean") {
      throw new TypeError(
        `${action}: tracing is ${JSON.stringify(this.#tracing)}, expected a boolean`,
      );
    }
    if (options.backend) {
      this.#backend = options.backend;
      this.#ownsBackend = false;
    } else {
      if (redis === null) throw new TypeError(`${action}: give a Redis client, a URL or a backend`);
      this.#backend = openBackend(
        redis,
        {
          prefix,
          durability: durabilitySettings(options, action),
          retention: assertRetention(options.retention ?? {}, action),
        },
        action,
      );
      this.#ownsBackend = true;
    }
    this.#presence = new ActorPresence(
      this.#backend,
      assertUnknownActorsPolicy(options.unknownActors ?? "warn", action),
      resolveLogger(options.logger),
    );
    this.#waiter = new ResultWaiter(this.#backend, recheckMs);
    this.#handles = new JobHandles(this.#backend, this.#waiter);
    const backend = this.#backend;
    this.#enqueues = new EnqueueBatcher((jobs) => backend.enqueue(jobs));
    this.#router = new PartitionRouter(backend);
  }

  /**
   * Registers a recurring job (`deferBy` or `cron` given) and returns its
   * {@linkcode Schedule}. Registering the same schedule again (same `jobId`,
   * or without one the same queue, actor and arguments) keeps it, or updates
   * it when a setting changed; it is never duplicated.
   *
   * @example
   * ```ts
   * import { days, Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const daily = await producer.enqueueJob("good_morning", { deferBy: days(1) });
   * await producer.enqueueJob("report", { cron: "0 9 * * 1-5", tz: "Europe/Berlin" });
   * await daily.cancel();
   * await (await producer.getSchedule("report"))?.cancel();
   * await producer.close();
   * ```
   */
  enqueueJob<T extends (keyof A & string) | ActorDefinition>(
    actor: T,
    options: RecurringOptions<ArgsOf<ActorOf<A, T>>>,
  ): Promise<Schedule<ResultOf<ActorOf<A, T>>>>;
  /**
   * Enqueues a job for an actor, by name or by definition (a definition's
   * queue is its own unless `options.queue` says otherwise).
   *
   * One signature for names and definitions, declared last: when a call
   * fits no signature, TypeScript reports the last one's error, which is
   * then about the wrong argument (`Type 'number' is not assignable to type
   * 'string'` at `42`) rather than about the actor.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
   * await producer.enqueueJob("happy_new_year", { deferUntil: new Date("2027-01-01T00:00:00Z") });
   * console.log(job.id);
   * await producer.close();
   * ```
   */
  enqueueJob<T extends (keyof A & string) | ActorDefinition>(
    actor: T,
    ...options: EnqueueArgs<ArgsOf<ActorOf<A, T>>>
  ): Promise<Job<ResultOf<ActorOf<A, T>>>>;
  async enqueueJob(
    actor: string | ActorDefinition,
    options: EnqueueOptions = {},
  ): Promise<Job<unknown> | Schedule<unknown>> {
    this.#assertOpen("enqueue job");
    const logical = newJob(actor, options);
    const key = partitionKeyOf(options, "Cannot enqueue job");
    // Each step is awaited only when it has something to wait for: most
    // enqueues have none, and take no extra turns before the batcher.
    const one = [logical];
    const checking = this.#presence.check(one);
    if (checking) await checking;
    if (isRecurring(options)) return await registerSchedule(this.#handles, logical, options);
    if (typeof actor !== "string") {
      const declaring = this.#declarePartitions([actor], one, "enqueue job");
      if (declaring) await declaring;
    }
    const routed = this.#router.route(one, key === undefined ? undefined : [key], "enqueue job");
    const job = (Array.isArray(routed) ? routed : await routed)[0];
    let outcome;
    this.#waiter.watch(job.queue, job.id); // before the enqueue: its notification is not missed
    try {
      outcome = this.#tracing
        ? await traceSends([job], () => this.#enqueues.add(job))
        : await this.#enqueues.add(job); // with the others enqueued in this run
    } catch (error) {
      this.#waiter.unwatch(job.queue, [job.id]);
      throw wrapStoreError("enqueue job", error);
    }
    return this.#handles.job(job.queue, job.id, job.actor, outcome);
  }

  /**
   * Enqueues many jobs in one round trip and returns their handles, in the
   * order given. Every item is validated first: an invalid item rejects the
   * whole call (with a `TypeError`/`RangeError` naming the item's index)
   * before anything is written. The jobs of one queue are written
   * atomically, all or none, by one script call; the calls for different
   * queues are sent together but are separate writes. A custom `jobId`
   * deduplicates as in `enqueueJob`, also within one call (the job's
   * `created` is then `false`). Recurring jobs (`deferBy`, `cron`) are not
   * accepted here. Redis runs one queue's batch as one step, blocking
   * other clients meanwhile (about 10–15 µs per job), so keep batches to
   * some hundreds of jobs (for example 200 per call).
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const jobs = await producer.enqueueJobs([
   *   { actor: "string_length", args: ["hello"] },
   *   { actor: "string_length", args: ["world"], queue: "other" },
   * ]);
   * console.log(jobs.map((job) => job.id));
   * await producer.close();
   * ```
   */
  async enqueueJobs<T extends BulkJob<A>>(
    items: readonly T[],
  ): Promise<Job<BulkResultOf<A, T>>[]> {
    const action = "Cannot enqueue jobs";
    this.#assertOpen("enqueue jobs");
    if (!Array.isArray(items)) {
      throw new TypeError(`${action}: expected an array of jobs, got ${typeof items}`);
    }
    const logical = items.map((item, i) => {
      const at = `${action}: item ${i}`;
      if (item === null || typeof item !== "object") {
        throw new TypeError(`${at}: expected an object with an actor, got ${item}`);
      }
      if (isRecurring(item)) {
        throw new TypeError(`${at}: recurring jobs (deferBy, cron) need enqueueJob()`);
      }
      return newJob(item.actor, item as EnqueueOptions, at);
    });
    const keys = items.map((item, i) =>
      partitionKeyOf(item as EnqueueOptions, `${action}: item ${i}`)
    );
    if (logical.length === 0) return [];
    const checking = this.#presence.check(logical);
    if (checking) await checking;
    if (items.some((item) => typeof item.actor !== "string")) {
      await this.#declarePartitions(items.map((item) => item.actor), logical, "enqueue jobs");
    }
    const jobs = await this.#router.route(logical, keys, "enqueue jobs");
    let outcomes;
    for (const job of jobs) this.#waiter.watch(job.queue, job.id);
    try {
      outcomes = this.#tracing
        ? await traceSends(jobs, () => this.#backend.enqueue(jobs))
        : await this.#backend.enqueue(jobs);
    } catch (error) {
      const partial = error instanceof PartialEnqueueError ? error : undefined;
      jobs.forEach((job, i) => {
        if (!partial?.outcomes[i]) this.#waiter.unwatch(job.queue, [job.id]);
      });
      // The jobs of the other queues were stored; this call reports the first failure.
      throw wrapStoreError("enqueue jobs", partial ? partial.errors.find((e) => e) : error);
    }
    return jobs.map((job, i) =>
      this.#handles.job<BulkResultOf<A, T>>(job.queue, job.id, job.actor, outcomes[i])
    );
  }

  /**
   * A handle on a job by id (for example one enqueued by another process),
   * or `null` when no job with that id exists in the queue.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const { id } = await producer.enqueueJob("string_length", { args: ["hello"] });
   * const job = await producer.getJob(id);
   * if (job) console.log(await job.getResult()); // null: not finished yet
   * await producer.close();
   * ```
   */
  async getJob(id: string, options: { queue?: string } = {}): Promise<Job<unknown> | null> {
    const action = "Cannot get job";
    this.#assertOpen("get job");
    assertJobId(id, action);
    const queue = assertName("queue", options.queue ?? "default", action);
    // A partitioned queue: the job is in one of its partitions.
    const stored = partitionQueues(queue, await this.#router.partitions(queue, "get job"));
    const infos = await Promise.all(stored.map((q) => this.#backend.getJob(q, id)));
    const at = infos.findIndex((info) => info !== null);
    if (at < 0) return null;
    const info = infos[at]!;
    return this.#handles.job(stored[at], id, info.actor, { enqueuedAt: info.enqueuedAt });
  }

  /**
   * The recurring jobs of a queue with their next run times, soonest first.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * for (const s of await producer.schedules({ queue: "default" })) {
   *   console.log(s.id, s.status, s.nextRunAt && new Date(s.nextRunAt));
   * }
   * await producer.close();
   * ```
   */
  schedules(options: { queue?: string } = {}): Promise<ScheduleInfo[]> {
    if (this.#closed) return Promise.reject(new ProducerClosedError("list schedules"));
    const queue = assertName("queue", options.queue ?? "default", "Cannot list schedules");
    return this.#backend.listSchedules(queue);
  }

  /**
   * A handle on a recurring job by its schedule id, or `null` when there is
   * no such schedule in the queue.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const schedule = await producer.getSchedule("nightly-report");
   * await schedule?.pause();
   * await producer.close();
   * ```
   */
  async getSchedule(
    id: string,
    options: { queue?: string } = {},
  ): Promise<Schedule<unknown> | null> {
    const action = "Cannot get schedule";
    this.#assertOpen("get schedule");
    assertJobId(id, action);
    const queue = assertName("queue", options.queue ?? "default", action);
    const info = await this.#backend.getSchedule(queue, id);
    if (!info) return null;
    return new Schedule({ id, queue, actor: info.actor, outcome: "kept" }, this.#handles);
  }

  /**
   * A handle on queue `name`, for counting, listing and bulk actions (no
   * I/O here; see {@linkcode Queue}). Throws a `TypeError`/`RangeError` for
   * an invalid name.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.enqueueJob("send_email", { queue: "emails" });
   * console.log(await producer.queue("emails").counts());
   * await producer.close();
   * ```
   */
  queue(name: string): Queue {
    const queue = assertName("queue", name, "Cannot get queue");
    return new Queue(queue, {
      backend: this.#backend,
      assertOpen: (action) => this.#assertOpen(action),
      assertKnown: (q, action) => this.#assertKnownQueue(q, action),
      track: (e) => this.#queueEvents.add(e),
      untrack: (e) => this.#queueEvents.delete(e),
      partitions: async (q, action) => partitionQueues(q, await this.#router.partitions(q, action)),
    });
  }

  /**
   * Every queue a job or a schedule was ever added to (under this
   * producer's prefix) that still holds a job or a schedule, or is paused, by name, with
   * whether it is paused and its counts. Read from a registry of queue names
   * that enqueues keep: no scan of the store.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.enqueueJob("send_email", { queue: "emails" });
   * for (const q of await producer.queues()) console.log(q.name, q.counts.queued);
   * await producer.close();
   * ```
   */
  async queues(): Promise<{ name: string; paused: boolean; counts: QueueCounts }[]> {
    this.#assertOpen("list queues");
    // A partitioned queue is listed once, by its name, with the counts of all its partitions.
    const byQueue = new Map<string, string[]>();
    for (const name of await this.#backend.listQueues()) {
      const queue = logicalQueue(name);
      byQueue.set(queue, [...byQueue.get(queue) ?? [], name]);
    }
    const out = await Promise.all([...byQueue].map(async ([name, parts]) => {
      const [counts, paused] = await Promise.all([
        Promise.all(parts.map((q) => this.#backend.queueCounts(q))).then(sumCounts),
        this.#backend.isQueuePaused(name),
      ]);
      const empty = !paused && Object.values(counts).every((n) => n === 0) &&
        (await this.#backend.listSchedules(name)).length === 0;
      return empty ? null : { name, paused, counts };
    }));
    return out.filter((q) => q !== null);
  }

  /**
   * The live workers (those whose heartbeat has not expired: a killed
   * worker drops out within 15 s): their id, host, process id, queues,
   * actors per queue, concurrency, how many jobs they were running at their
   * latest heartbeat (every 5 s), when they started and when they were last
   * seen (epoch ms, store clock).
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * for (const w of await producer.workers()) console.log(w.id, w.host, w.running);
   * await producer.close();
   * ```
   */
  async workers(): Promise<LiveWorker[]> {
    this.#assertOpen("list workers");
    const workers = await this.#backend.listWorkers?.() ?? [];
    return workers.map((w) => ({
      id: w.id,
      host: w.host,
      pid: w.pid,
      queues: w.queues,
      actors: w.actors,
      concurrency: w.concurrency,
      running: w.running ?? 0,
      since: w.startedAt,
      lastSeen: w.lastSeenAt,
    }));
  }

  /**
   * Throws a `QueueNotFoundError` unless a job or schedule was ever added to
   * `queue` (per the registry of queue names, or, should its registration
   * have failed, because it holds jobs).
   */
  async #assertKnownQueue(queue: string, action: string): Promise<void> {
    if (this.#knownQueues.has(queue)) return;
    const known = await this.#backend.listQueues();
    // A partitioned queue is known by its name once any of its partitions is.
    for (const q of known) this.#knownQueues.add(logicalQueue(q));
    if (this.#knownQueues.has(queue)) return;
    const counts = await this.#backend.queueCounts(queue);
    if (Object.values(counts).some((n) => n > 0)) return;
    throw new QueueNotFoundError(queue, [...new Set(known.map(logicalQueue))], action);
  }

  /**
   * Ends result subscriptions and queue event iterations, and closes the
   * connections the producer opened.
   *
   * @example
   * ```ts
   * import { Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * await producer.enqueueJob("string_length", { args: ["hello"] });
   * await producer.close();
   * ```
   */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#queueEvents].map((e) => e.close()));
    await this.#waiter.close();
    if (this.#ownsBackend) await this.#backend.close();
  }

  /**
   * Declares the partition counts that actor definitions give for their
   * jobs' queues; `undefined` when there is nothing to wait for.
   */
  #declarePartitions(
    actors: readonly (string | ActorDefinition)[],
    jobs: readonly NewJob[],
    action: string,
  ): Promise<void> | undefined {
    let pending: Promise<void>[] | undefined;
    actors.forEach((actor, i) => {
      const n = isActorDefinition(actor) ? actor.options.partitions : undefined;
      if (n === undefined) return;
      const declaring = this.#router.declare(jobs[i].queue, n, action);
      if (declaring) (pending ??= []).push(declaring);
    });
    return pending && Promise.all(pending).then(() => {});
  }

  /** Throws `ProducerClosedError` for `action` once `close()` was called. */
  #assertOpen(action: string): void {
    if (this.#closed) throw new ProducerClosedError(action);
  }
}
