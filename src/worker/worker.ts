/**
 * The worker: holds actors, leases jobs from their queues and runs them. It
 * keeps the public surface and wires its parts: the fetch loops
 * (`fetch_loop.ts`), the job runner (`job_runner.ts`), the lease keeper
 * (`lease_keeper.ts`) and the store writer (`store_writer.ts`).
 *
 * @module
 */

import type { Backend } from "../backend/backend.ts";
import { openBackend } from "../backend/open_backend.ts";
import { assertRetention } from "../core/queue_state.ts";
import { durabilitySettings } from "../backend/redis/durability.ts";
import type { RedisInput } from "../backend/redis/connection.ts";
import { GAVE_UP, unlessAborted, within } from "../core/settle.ts";
import { assertCount, assertDuration } from "../core/time.ts";
import { WorkerShutdownError } from "../errors.ts";
import { type Logger, resolveLogger } from "../log.ts";
import { onShutdownSignal } from "../runtime/signals.ts";
import {
  type ActorDefinition,
  type ActorFunction,
  type ActorOptions,
  type ModuleActorOptions,
  toActorDefinition,
} from "./actor.ts";
import { defaultThreadCount } from "../runtime/threads.ts";
import { ThreadPool } from "../threads/pool.ts";
import { FetchLoops } from "./fetch_loop.ts";
import { declarePartitionCount } from "../backend/partition_count.ts";
import { logicalQueue, partitionQueues } from "../core/partitions.ts";
import { QUEUE_STATES, type QueueCounts } from "../core/queue_state.ts";
import { JobRunner } from "./job_runner.ts";
import { LeaseKeeper } from "./lease_keeper.ts";
import { groupByQueue } from "./running_job.ts";
import { Slots } from "./slots.ts";
import { StoreWriter } from "./store_writer.ts";
import {
  type WorkerEventListener,
  type WorkerEventMap,
  type WorkerEventName,
  WorkerEvents,
} from "./worker_events.ts";
import { WorkerMetrics } from "./worker_metrics.ts";
import { observeHandler, type WorkerHealth } from "./observe_handler.ts";
import { checkThreadActors, threadActorRefs } from "../threads/probe.ts";
import { actorsByQueue, WorkerRegistration } from "./registration.ts";
import { groupConcurrencyByQueue } from "./group_concurrency.ts";
import {
  type ResolvedWorkerOptions,
  resolveWorkerOptions,
  type RunOptions,
  type StopOptions,
  type WorkerOptions,
} from "./worker_options.ts";

export type {
  RunOptions,
  StopOptions,
  WorkerEventListener,
  WorkerEventMap,
  WorkerEventName,
  WorkerOptions,
};
export type { JobEventFields } from "./worker_events.ts";
export type { WorkerHealth } from "./observe_handler.ts";

/**
 * How long `stop()` waits, past the grace period, for the store to take back
 * the leases of unfinished jobs and the results of finished ones, and then
 * to close: when the store does not answer (an outage), `stop()` returns
 * after about `graceMs` plus twice this, and the jobs are left to their leases.
 */
const STOP_MARGIN_MS = 2_000;

/**
 * Runs actors: async functions on the event loop, up to `concurrency` jobs
 * at once. Each fetched job is leased; the lease is renewed while the job
 * runs, and the result is stored together with the ack.
 *
 * @example
 * ```ts
 * import { Worker } from "@repid/repid";
 *
 * const worker = new Worker("memory://", { concurrency: 50, logger: "silent" });
 * worker.actor(async function string_length(theString: string): Promise<number> {
 *   return theString.length;
 * });
 * setTimeout(() => worker.stop(), 100);
 * await worker.runForever(); // until SIGINT/SIGTERM or worker.stop()
 * ```
 */
export class Worker {
  readonly #backend: Backend;
  readonly #ownsBackend: boolean;
  readonly #log: Logger;
  readonly #opts: ResolvedWorkerOptions;
  readonly #actors = new Map<string, ActorDefinition>();
  readonly #leases: LeaseKeeper;
  readonly #writer: StoreWriter;
  readonly #events: WorkerEvents;
  readonly #metrics: WorkerMetrics | undefined;
  readonly #threads: number;
  #pool: ThreadPool | undefined;
  #fetcher: FetchLoops | undefined;
  #stopController = new AbortController();
  #loops: Promise<void>[] = [];
  /** How many fetch loops have ended. */
  #loopsEnded = 0;
  #state: "idle" | "running" | "stopping" | "stopped" = "idle";
  #stopped: Promise<void> | undefined;
  #resolveRun: (() => void) | undefined;
  /** The worker's id in the workers' registry. */
  readonly #workerId = crypto.randomUUID();
  #registration: WorkerRegistration | undefined;
  /** Unsubscribes from the cancel channels of the worker's queues. */
  #cancelSubscriptions: (() => Promise<void>)[] = [];

  /**
   * Creates a worker; register actors with {@linkcode Worker.actor}, then
   * call {@linkcode Worker.runForever}.
   *
   * @param redis An ioredis client (duplicated for blocking reads; never
   * closed by the worker) or a `redis://` URL (the worker opens and closes
   * its connections), or `memory://name` for the in-memory store shared in
   * this process; `null` when `options.backend` is given.
   * @param options The worker's options.
   */
  constructor(redis: RedisInput | null, options: WorkerOptions = {}) {
    const action = "Cannot create worker";
    this.#opts = resolveWorkerOptions(options, action);
    const o = this.#opts;
    this.#threads = options.threads ?? defaultThreadCount();
    assertCount(this.#threads, "threads", action, 1);
    this.#log = resolveLogger(options.logger);
    if (options.backend) {
      this.#backend = options.backend;
      this.#ownsBackend = false;
    } else {
      if (redis === null) throw new TypeError(`${action}: give a Redis client, a URL or a backend`);
      // No connection yet: a constructed worker holds nothing open (runForever() connects).
      this.#backend = openBackend(redis, {
        prefix: o.prefix,
        lazyConnect: true,
        durability: durabilitySettings(options, action),
        retention: assertRetention(options.retention ?? {}, action),
        onUnconfirmedAck: (error) =>
          this.#log.warn("ack not confirmed by a replica", { error: error.message }),
      }, action);
      this.#ownsBackend = true;
    }
    this.#events = new WorkerEvents((error) =>
      this.#log.error("a worker event listener failed", { error })
    );
    this.#leases = new LeaseKeeper(this.#backend, this.#log, o.leaseMs, this.#events);
    this.#writer = new StoreWriter(this.#log, this.#events);
    if (o.metrics) {
      const leases = this.#leases;
      const queues = () => this.queues;
      this.#metrics = new WorkerMetrics(this.#events, {
        get queues() {
          return queues();
        },
        concurrency: o.concurrency,
        queueFigures: async (queue) => {
          // a partitioned queue's figures: counts summed, the longest wait of its partitions
          const parts = partitionQueues(queue, this.#partitions().get(queue) ?? 1);
          const figures = await Promise.all(parts.map(async (q) => ({
            counts: await this.#backend.queueCounts(q),
            oldestWaitingMs: await this.#backend.oldestWaitingMs(q),
          })));
          return figures.reduce((sum, f) => ({
            counts: Object.fromEntries(
              QUEUE_STATES.map((s) => [s, sum.counts[s] + f.counts[s]]),
            ) as QueueCounts,
            oldestWaitingMs: Math.max(sum.oldestWaitingMs, f.oldestWaitingMs),
          }));
        },
        running() {
          const counts = new Map<string, number>();
          for (const r of leases.running()) {
            const queue = logicalQueue(r.job.queue);
            counts.set(queue, (counts.get(queue) ?? 0) + 1);
          }
          return counts;
        },
      });
    }
  }

  /**
   * The worker's metrics in the Prometheus text exposition format (see the
   * README's "Observing" for the list).
   *
   * @example
   * ```ts
   * import { Worker } from "@repid/repid";
   *
   * const worker = new Worker("memory://", { logger: "silent" });
   * worker.actor(async function ping() {
   *   return "pong";
   * });
   * const text = await worker.metrics();
   * console.log(text.includes("# TYPE repid_jobs_total counter")); // true
   * ```
   *
   * @throws {TypeError} When the worker was made with `metrics: false`.
   */
  metrics(): Promise<string> {
    if (!this.#metrics) {
      return Promise.reject(
        new TypeError("Cannot read metrics: the worker was created with metrics: false"),
      );
    }
    return this.#metricsText(this.#metrics);
  }

  #metricsText(metrics: WorkerMetrics): Promise<string> {
    return metrics.text((error, queue) => {
      this.#log.warn("cannot read the queue's figures for the metrics", { queue, error });
      this.#events.emit("error", { kind: "store", action: "read queue figures", error, queue });
    });
  }

  /**
   * How the worker stands: `alive` while it runs and its loops run, `ready`
   * while, besides, its store answers and it fetches jobs (`false` while it
   * stops).
   *
   * @example
   * ```ts
   * import { Worker } from "@repid/repid";
   *
   * const worker = new Worker("memory://", { logger: "silent" });
   * console.log(worker.health()); // { alive: false, ready: false } before runForever()
   * ```
   */
  health(): WorkerHealth {
    const alive = this.#state === "running" && this.#fetcher !== undefined &&
      this.#loopsEnded === 0;
    return { alive, ready: alive && this.#fetcher!.fetching && this.#writer.landed };
  }

  /**
   * A Fetch handler (`Request` → `Response`) serving `GET /metrics` (the
   * Prometheus text; 404 with `metrics: false`), `GET /healthz` (200 while
   * {@linkcode Worker.health} says alive, else 503) and `GET /readyz` (200
   * while ready, else 503). Give it to `Deno.serve`, `Bun.serve` or any
   * server of the Fetch API; `repid worker --metrics-port` serves it.
   *
   * @example
   * ```ts
   * import { Worker } from "@repid/repid";
   *
   * const worker = new Worker("memory://", { logger: "silent" });
   * const res = await worker.fetchHandler(new Request("http://localhost/healthz"));
   * console.log(res.status); // 503: not running
   * ```
   */
  readonly fetchHandler: (request: Request) => Promise<Response> = observeHandler({
    metrics: () => this.#metrics ? this.#metricsText(this.#metrics) : Promise.resolve(undefined),
    health: () => this.health(),
  });

  /**
   * Calls `listener` with each `type` event of this worker (see
   * {@linkcode WorkerEventMap}) until the returned function is called.
   * Listeners run synchronously, in the order they were added; one that
   * throws never breaks the worker: its error is reported on `error`.
   *
   * @example
   * ```ts
   * import { Repid, Worker } from "@repid/repid";
   *
   * const worker = new Worker("memory://events-example", { logger: "silent" });
   * worker.actor(async function add(a: number, b: number) {
   *   return a + b;
   * });
   * const done = new Promise<unknown>((resolve) => worker.on("done", (e) => resolve(e.value)));
   * const running = worker.runForever({ handleSignals: false });
   * const producer = new Repid("memory://events-example");
   * await producer.enqueueJob("add", { args: [1, 2] });
   * console.log(await done); // 3
   * await worker.stop();
   * await running;
   * await producer.close();
   * ```
   *
   * @param type The event's name.
   * @param listener Called with the event's detail.
   * @returns A function that removes the listener.
   */
  on<K extends WorkerEventName>(type: K, listener: WorkerEventListener<K>): () => void {
    return this.#events.on(type, listener);
  }

  /**
   * Removes a listener added with {@linkcode Worker.on}.
   *
   * @example
   * ```ts
   * import { Worker } from "@repid/repid";
   *
   * const worker = new Worker("memory://", { logger: "silent" });
   * const onIdle = () => console.log("idle");
   * worker.on("idle", onIdle);
   * worker.off("idle", onIdle);
   * ```
   *
   * @param type The event's name.
   * @param listener The listener given to `on()`.
   */
  off<K extends WorkerEventName>(type: K, listener: WorkerEventListener<K>): void {
    this.#events.off(type, listener);
  }

  /**
   * Registers an actor: a function (named by its `name` unless `options.name`
   * is given) or a definition from {@linkcode defineActor}.
   *
   * @example
   * ```ts
   * import { Worker } from "@repid/repid";
   *
   * const worker = new Worker("memory://", { logger: "silent" });
   * worker.actor(async function hello() {
   *   console.log("hi");
   * }, { queue: "myqueue", retries: 3 });
   * ```
   *
   * @param fn The function, or a definition.
   * @param options The actor's options (merged over a definition's own).
   * @returns The definition, usable with `Repid.enqueueJob()`.
   */
  actor<F extends ActorFunction>(
    fn: F | ActorDefinition<F>,
    options?: ActorOptions,
  ): ActorDefinition<F>;
  /**
   * Registers a sync actor: a function exported from the module at `module`
   * (the default export unless `options.export` names another), run on the
   * worker's pool of threads so that CPU-bound work never blocks async jobs.
   *
   * @example
   * ```ts ignore
   * worker.actor(new URL("./count_file_length.ts", import.meta.url), {
   *   name: "count_file_length",
   *   timeoutMs: 10_000,
   * });
   * ```
   *
   * @param module The module's URL.
   * @param options The actor's options; `name` is required for a default export.
   * @returns The definition, usable with `Repid.enqueueJob()`.
   */
  actor<F extends ActorFunction = ActorFunction>(
    module: URL,
    options: ModuleActorOptions,
  ): ActorDefinition<F>;
  actor<F extends ActorFunction>(
    fn: F | URL | ActorDefinition<F>,
    options?: ActorOptions | ModuleActorOptions,
  ): ActorDefinition<F> {
    const def = toActorDefinition(fn, options);
    if (this.#actors.has(def.name)) {
      throw new TypeError(`Cannot register actor "${def.name}": an actor with that name exists`);
    }
    if (this.#state !== "idle") {
      throw new TypeError(`Cannot register actor "${def.name}": the worker is already running`);
    }
    const partitions = def.options.partitions ?? 1;
    const other = [...this.#actors.values()].find((a) =>
      a.queue === def.queue && (a.options.partitions ?? 1) !== partitions
    );
    if (other) {
      throw new TypeError(
        `Cannot register actor "${def.name}": it declares partitions: ${partitions} for queue ` +
          `"${def.queue}", but actor "${other.name}" of that queue declares ${
            other.options.partitions ?? 1
          } (every actor of a queue declares the same count)`,
      );
    }
    this.#actors.set(def.name, def as ActorDefinition);
    return def as ActorDefinition<F>;
  }

  /** The names of the registered actors. */
  get actorNames(): string[] {
    return [...this.#actors.keys()];
  }

  /** The queues this worker takes jobs from (those of its actors). */
  get queues(): string[] {
    return [...new Set([...this.#actors.values()].map((a) => a.queue))];
  }

  /** The partition count of each of the worker's queues (1: not partitioned). */
  #partitions(): Map<string, number> {
    return new Map([...this.#actors.values()].map((a) => [a.queue, a.options.partitions ?? 1]));
  }

  /** The queues the store keeps for the worker's queues: each one's partitions, or itself. */
  #physicalQueues(): string[] {
    return [...this.#partitions()].flatMap(([queue, n]) => partitionQueues(queue, n));
  }

  /** How many jobs are running now. */
  get runningCount(): number {
    return this.#leases.size;
  }

  /**
   * Runs until {@linkcode Worker.stop} is called, `options.signal` aborts, or
   * (by default) the process gets SIGINT or SIGTERM; then stops gracefully.
   *
   * @example
   * ```ts
   * import { Worker } from "@repid/repid";
   *
   * const worker = new Worker("memory://", { logger: "silent" });
   * worker.actor(async function ping() {
   *   return "pong";
   * });
   * const controller = new AbortController();
   * const running = worker.runForever({ signal: controller.signal });
   * controller.abort(); // graceful stop
   * await running;
   * ```
   */
  runForever(options: RunOptions = {}): Promise<void> {
    if (this.#state !== "idle") {
      throw new TypeError("Cannot run worker: it was already started");
    }
    if (this.#actors.size === 0) {
      throw new TypeError("Cannot run worker: no actor is registered");
    }
    this.#state = "running";
    const finished = new Promise<void>((resolve) => (this.#resolveRun = resolve));
    const removeSignals = options.handleSignals === false ? undefined : onShutdownSignal((sig) => {
      this.#log.info(`received ${sig}, stopping`);
      void this.stop();
    });
    const onAbort = () => void this.stop();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const started = this.#checkBeforeStart().then(() => {
      if (this.#state === "running") this.#startLoops();
    });
    return started.then(
      () => finished,
      async (error) => {
        // Stopped during the checks: a normal end. Otherwise the worker cannot start.
        if (this.#stopController.signal.aborted) return finished;
        await this.stop({ graceMs: 0 });
        throw error;
      },
    ).finally(() => {
      removeSignals?.();
      options.signal?.removeEventListener("abort", onAbort);
    });
  }

  /**
   * Before fetching: the store answers (a wrong URL fails here, naming the
   * address and the cause) and each sync actor's module loads in a thread
   * with the export it names. Then the worker registers in the workers'
   * registry.
   */
  async #checkBeforeStart(): Promise<void> {
    await Promise.all([
      this.#backend.checkConnection?.("start worker", this.#stopController.signal),
      this.#opts.checkThreadActors
        ? checkThreadActors(threadActorRefs(this.#actors.values()))
        : undefined,
    ]);
    await Promise.all(
      [...this.#partitions()].map(([queue, n]) =>
        declarePartitionCount(this.#backend, queue, n, "start worker")
      ),
    );
    // So that producers can tell whether an actor has a worker.
    this.#registration = new WorkerRegistration(
      this.#backend,
      {
        id: this.#workerId,
        queues: this.queues,
        actors: actorsByQueue(this.#actors.values()),
        concurrency: this.#opts.concurrency,
      },
      this.#log,
      () => this.runningCount,
    );
    this.#registration.start();
    await this.#listenForCancels();
  }

  /**
   * Subscribes to the cancel channel of each queue, so that a job cancelled
   * while it runs here stops at once; when that fails, the lease renewal
   * still reports the cancel (within a third of `leaseMs`).
   */
  async #listenForCancels(): Promise<void> {
    const leases = this.#leases;
    await Promise.all(
      this.#physicalQueues().map(async (queue) => {
        try {
          const off = await this.#backend.onCancel(
            queue,
            (id, token) => leases.cancelled(queue, id, token),
          );
          // Stopped meanwhile: the shutdown has already unsubscribed the others.
          if (this.#state !== "running") await off();
          else this.#cancelSubscriptions.push(off);
        } catch (error) {
          this.#log.warn("cannot listen for cancelled jobs; the lease renewal reports them", {
            queue,
            error,
          });
        }
      }),
    );
  }

  /** Starts the thread pool, the job runner, the lease keeper and the fetch loops. */
  #startLoops(): void {
    const slots = new Slots(this.#opts.concurrency);
    if ([...this.#actors.values()].some((a) => a.module !== undefined)) {
      this.#pool = new ThreadPool({ size: this.#threads, logger: this.#log });
    }
    const [backend, log, opts] = [this.#backend, this.#log, this.#opts];
    const runner = new JobRunner({
      backend,
      log,
      opts,
      actors: this.#actors,
      pool: this.#pool,
      slots,
      leases: this.#leases,
      writer: this.#writer,
      events: this.#events,
      meter: this.#metrics,
    });
    this.#leases.start();
    this.#metrics?.prime(this.queues);
    this.#fetcher = new FetchLoops({
      backend,
      log,
      opts,
      slots,
      signal: this.#stopController.signal,
      start: (job, lane) => runner.start(job, lane),
      writer: this.#writer,
      events: this.#events,
      workerId: this.#workerId,
      groupConcurrency: groupConcurrencyByQueue(this.#actors.values()),
    });
    this.#loops = this.#fetcher.run(this.#physicalQueues()).map((loop) =>
      loop.finally(() => void this.#loopsEnded++)
    );
    this.#log.info("worker started", {
      queues: this.queues,
      actors: this.actorNames,
      concurrency: this.#opts.concurrency,
    });
  }

  /**
   * Stops gracefully: no more fetching; running jobs may finish within
   * `graceMs`; the leases of the rest are handed back so they run elsewhere;
   * the connections the worker opened are closed; `runForever()` resolves.
   *
   * @example
   * ```ts
   * import { Worker } from "@repid/repid";
   *
   * const worker = new Worker("memory://", { logger: "silent" });
   * worker.actor(async function ping() {
   *   return "pong";
   * });
   * const running = worker.runForever({ handleSignals: false });
   * await worker.stop({ graceMs: 5_000 });
   * await running;
   * ```
   */
  stop(options: StopOptions = {}): Promise<void> {
    if (this.#stopped) return this.#stopped;
    const graceMs = options.graceMs ?? this.#opts.graceMs;
    assertDuration(graceMs, "graceMs", "Cannot stop worker");
    this.#stopped = this.#shutdown(graceMs);
    return this.#stopped;
  }

  async #shutdown(graceMs: number): Promise<void> {
    const wasRunning = this.#state === "running" && this.#fetcher !== undefined; // loops started
    this.#state = "stopping";
    this.#stopController.abort();
    // Every wait of the fetch loops ends on the abort, even a store call that
    // hangs in an outage (see FetchLoops): this is prompt.
    await Promise.all(this.#loops);
    // Running jobs, and fetches still in flight, have `graceMs`.
    const late = this.#fetcher?.lateFetches ?? [];
    if (this.#leases.size > 0 || late.length > 0) {
      await within(
        Promise.all([...this.#leases.running().map((r) => r.done), ...late]),
        graceMs,
      );
    }
    // Jobs whose ack is in flight have finished running: let the ack land rather than hand them back.
    const left = this.#leases.running().filter((r) => r.state === "running");
    for (const r of left) this.#leases.abort(r, new WorkerShutdownError());
    const handBack = [...left.map((r) => r.job), ...(this.#fetcher?.takeLateJobs() ?? [])];
    const stillLate = this.#fetcher?.lateFetches.length ?? 0;
    if (stillLate > 0) {
      this.#log.warn(
        "a fetch was still in flight (the store does not answer); any job it leased is left to its lease",
        { fetches: stillLate },
      );
    }
    // Past the grace period, the store gets a bounded time to take the leases
    // back and the acks in flight: when it does not answer (an outage), the
    // jobs are left to their leases, which expire by themselves.
    const margin = new AbortController();
    const marginTimer = setTimeout(() => margin.abort(), STOP_MARGIN_MS);
    for (const [queue, jobs] of groupByQueue(handBack)) {
      const ids = jobs.map((j) => j.id);
      try {
        const released = await unlessAborted(
          this.#backend.release(queue, jobs.map((j) => ({ id: j.id, token: j.token }))),
          margin.signal,
        );
        if (released === GAVE_UP) {
          this.#log.warn(
            "could not hand back leases: the store does not answer; they expire by themselves",
            {
              queue,
              jobs: ids,
            },
          );
        } else this.#log.info("handed back unfinished jobs", { queue, jobs: ids });
      } catch (error) {
        this.#log.warn("could not hand back leases; they expire by themselves", {
          queue,
          jobs: ids,
          error,
        });
      }
    }
    const acking = this.#leases.running().filter((r) => r.state === "acking");
    if (acking.length > 0) {
      const landed = await unlessAborted(Promise.all(acking.map((r) => r.done)), margin.signal);
      for (const r of acking) r.detach();
      if (landed === GAVE_UP) {
        this.#log.warn(
          "could not store the results of finished jobs: the store does not answer; they run again once their leases expire",
          {
            jobs: acking.map((r) => r.job.id),
          },
        );
      }
    }
    clearTimeout(marginTimer);
    this.#leases.stop();
    await Promise.all(this.#cancelSubscriptions.map((off) => off().catch(() => {})));
    await this.#registration?.stop();
    await this.#pool?.close();
    if (this.#ownsBackend) await within(this.#backend.close(), STOP_MARGIN_MS);
    this.#state = "stopped";
    if (wasRunning) this.#log.info("worker stopped");
    this.#resolveRun?.();
  }
}
