/**
 * A worker's Prometheus metrics: counters and histograms fed by the worker's
 * events, and gauges read when scraped. Names follow the Prometheus
 * conventions (base units, `_total` for counters).
 *
 * @module
 */

import { MetricRegistry } from "../core/prometheus.ts";
import { QUEUE_STATES, type QueueCounts } from "../core/queue_state.ts";
import type { WorkerEvents } from "./worker_events.ts";

/**
 * Upper bounds of the duration and wait histograms, in seconds: from 5 ms
 * (a short job) to 10 minutes (a long one, or a queue far behind).
 */
export const SECONDS_BUCKETS: readonly number[] = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
  300,
  600,
];

/** The series of one queue and actor. */
interface ActorSeries {
  done: { inc(): void };
  failed: { inc(): void };
  retried: { inc(): void };
  dead: { inc(): void };
  cancelled: { inc(): void };
  duration: { observe(seconds: number): void };
  wait: { observe(seconds: number): void };
}

/** What the metrics read when scraped. */
export interface WorkerMetricsSource {
  /** The queues the worker takes jobs from. */
  queues: readonly string[];
  /** How many jobs may run at once. */
  concurrency: number;
  /** How many jobs run now, per queue. */
  running(): Map<string, number>;
  /** The queue-wide figures read from the store at each scrape (absent: none shown). */
  queueFigures?(queue: string): Promise<{ counts: QueueCounts; oldestWaitingMs: number }>;
}

/**
 * What the job runner tells the metrics of each attempt, directly (not
 * through the worker's events: no event object is made for a job unless a
 * listener waits for it).
 */
export interface JobMeter {
  /** A job's first attempt of a delivery started, `waitMs` after it was due. */
  jobStarted(queue: string, actor: string, waitMs: number): void;
  /** An attempt ended so, after `durationMs`, and its outcome was stored. */
  jobEnded(
    outcome: "done" | "failed" | "retried",
    queue: string,
    actor: string,
    durationMs: number,
  ): void;
}

/** The metrics of one worker; see the README's "Observing" for the list. */
export class WorkerMetrics implements JobMeter {
  readonly #registry = new MetricRegistry();
  readonly #prime: (queues: readonly string[]) => void;
  readonly #source: WorkerMetricsSource;
  readonly #series: (queue: string, actor: string) => ActorSeries;
  /** The queue-wide figures of the last scrape, per queue. */
  #figures = new Map<string, { counts: QueueCounts; oldestWaitingMs: number }>();

  /**
   * @param events The worker's events, which feed the counters of the rarer outcomes (dead,
   * cancelled, lease lost, store errors); the job runner reports each attempt directly
   * ({@linkcode JobMeter}).
   * @param source What the gauges read.
   */
  constructor(events: WorkerEvents, source: WorkerMetricsSource) {
    const r = this.#registry;
    this.#source = source;
    const jobs = r.counter(
      "repid_jobs_total",
      "Jobs this worker ran to an outcome (done, failed, retried, dead, cancelled), per queue and actor.",
      ["queue", "actor", "status"],
    );
    const duration = r.histogram(
      "repid_job_duration_seconds",
      "How long an attempt ran, per queue and actor.",
      ["queue", "actor"],
      SECONDS_BUCKETS,
    );
    const wait = r.histogram(
      "repid_job_wait_seconds",
      "How long a job waited from its due time to its start, per queue and actor.",
      ["queue", "actor"],
      SECONDS_BUCKETS,
    );
    r.gauge("repid_jobs_running", "Jobs running in this worker now, per queue.", ["queue"])
      .collect(() => {
        const running = source.running();
        return source.queues.map((queue) => ({
          labels: { queue },
          value: running.get(queue) ?? 0,
        }));
      });
    r.gauge("repid_worker_concurrency", "How many jobs this worker may run at once.")
      .collect(() => [{ labels: {}, value: source.concurrency }]);
    const leaseLost = r.counter(
      "repid_lease_lost_total",
      "Jobs this worker stopped because their lease was gone, per queue.",
      ["queue"],
    );
    const storeErrors = r.counter(
      "repid_store_errors_total",
      "Store calls that failed and were retried by this worker.",
    );
    storeErrors.inc({}, 0);
    r.gauge(
      "repid_queue_jobs",
      "Jobs of the queue in each state, read from the store at the scrape (every worker of the queue shows the same).",
      ["queue", "state"],
    ).collect(() =>
      [...this.#figures].flatMap(([queue, f]) =>
        QUEUE_STATES.map((state) => ({ labels: { queue, state }, value: f.counts[state] }))
      )
    );
    r.gauge(
      "repid_queue_oldest_waiting_seconds",
      "How long the queue's longest-waiting job has waited since it was due (0 when none waits), read at the scrape.",
      ["queue"],
    ).collect(() =>
      [...this.#figures].map(([queue, f]) => ({
        labels: { queue },
        value: f.oldestWaitingMs / 1000,
      }))
    );
    this.#prime = (queues) => {
      for (const queue of queues) leaseLost.inc({ queue }, 0);
    };
    // The series of each queue and actor, found once (no label object per job).
    const byQueue = new Map<string, Map<string, ActorSeries>>();
    const series = (queue: string, actor: string): ActorSeries => {
      let byActor = byQueue.get(queue);
      if (!byActor) byQueue.set(queue, byActor = new Map());
      let s = byActor.get(actor);
      if (!s) {
        s = {
          done: jobs.child(queue, actor, "done"),
          failed: jobs.child(queue, actor, "failed"),
          retried: jobs.child(queue, actor, "retried"),
          dead: jobs.child(queue, actor, "dead"),
          cancelled: jobs.child(queue, actor, "cancelled"),
          duration: duration.child(queue, actor),
          wait: wait.child(queue, actor),
        };
        byActor.set(actor, s);
      }
      return s;
    };
    this.#series = series;
    events.on("dead", (e) => series(e.queue, e.actor).dead.inc());
    events.on("cancelled", (e) => series(e.queue, e.actor).cancelled.inc());
    events.on("leaseLost", (e) => leaseLost.inc({ queue: e.queue }));
    events.on("error", (e) => {
      if (e.kind === "store") storeErrors.inc();
    });
  }

  /** Counts the wait of a job that started (its first attempt of a delivery). */
  jobStarted(queue: string, actor: string, waitMs: number): void {
    this.#series(queue, actor).wait.observe(waitMs / 1000);
  }

  /** Counts an attempt that ended (done, failed or to be retried) and its duration. */
  jobEnded(
    outcome: "done" | "failed" | "retried",
    queue: string,
    actor: string,
    durationMs: number,
  ): void {
    const s = this.#series(queue, actor);
    s[outcome].inc();
    s.duration.observe(durationMs / 1000);
  }

  /** Shows the counters of `queues` at 0 until they count something (as Prometheus asks). */
  prime(queues: readonly string[]): void {
    this.#prime(queues);
  }

  /** The registry the metrics live in (queue-wide gauges are added to it). */
  get registry(): MetricRegistry {
    return this.#registry;
  }

  /**
   * Every metric in the Prometheus text exposition format, the queue-wide
   * gauges read from the store first (a queue whose figures cannot be read
   * is left out of them; `onStoreError` hears why).
   */
  async text(onStoreError: (error: unknown, queue: string) => void = () => {}): Promise<string> {
    const read = this.#source.queueFigures;
    if (read) {
      const figures = new Map<string, { counts: QueueCounts; oldestWaitingMs: number }>();
      await Promise.all(this.#source.queues.map(async (queue) => {
        try {
          figures.set(queue, await read(queue));
        } catch (error) {
          onStoreError(error, queue);
        }
      }));
      this.#figures = new Map(
        this.#source.queues.filter((q) => figures.has(q)).map((q) => [q, figures.get(q)!]),
      );
    }
    return this.#registry.text();
  }
}
