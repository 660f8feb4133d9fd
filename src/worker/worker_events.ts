/**
 * The worker's events: their types ({@linkcode WorkerEventMap}) and the small
 * typed emitter that delivers them ({@linkcode WorkerEvents}). A listener
 * that throws never reaches the worker: its error is reported on `error`.
 *
 * @module
 */

import type { JobError, LeasedJob } from "../core/job.ts";
import { logicalQueue } from "../core/partitions.ts";

/** What every job event tells: the job, its attempt and its times. */
export interface JobEventFields {
  /** The job's id. */
  id: string;
  /** The job's queue (for a partitioned queue, the queue, not its partition). */
  queue: string;
  /** The actor's name. */
  actor: string;
  /** The attempt's number, from 1 (0 for a job that never ran, such as one dead-lettered). */
  attempt: number;
  /** How many times a worker took the job from its queue, counting this time. */
  deliveries: number;
  /** When the job was enqueued (epoch ms, store clock). */
  enqueuedAt: number;
  /** When this delivery started (epoch ms, store clock). */
  startedAt: number;
  /**
   * How long the job waited from its due time (its enqueue, or its
   * `deferUntil`) to this delivery's start, in milliseconds: the queue
   * latency a user feels.
   */
  waitMs: number;
}

/** The events of a {@linkcode WorkerEvents} emitter, by name, with what each carries. */
export interface WorkerEventMap {
  /** An attempt starts. */
  started: JobEventFields & {
    /** Whether it follows a failed attempt of the same delivery (a retry). */
    retry: boolean;
  };
  /** The job succeeded and its result is stored. */
  done: JobEventFields & {
    /** What the actor returned (`null` for nothing). */
    value: unknown;
    /** How long the attempt ran, in milliseconds. */
    durationMs: number;
  };
  /** The job's last attempt failed and the failure is stored. */
  failed: JobEventFields & {
    /** The last attempt's error. */
    error: JobError;
    /** How long the attempt ran, in milliseconds. */
    durationMs: number;
  };
  /** An attempt failed and the job will run again after `retryInMs`. */
  retrying: JobEventFields & {
    /** The attempt's error. */
    error: JobError;
    /** How long the attempt ran, in milliseconds. */
    durationMs: number;
    /** How long until the next attempt, in milliseconds. */
    retryInMs: number;
  };
  /** The job was dead-lettered by this worker (malformed, or for an unknown actor). */
  dead: JobEventFields & {
    /** Why (`malformed`, `unknown_actor`, …). */
    reason: string;
  };
  /**
   * The job was cancelled (`job.cancel()`, from any process) while leased
   * here: its run stops (its signal aborts with a `JobCancelledError`) and
   * nothing of it is stored.
   */
  cancelled: JobEventFields;
  /** The job's lease is gone (it expired, or another worker took the job): it stopped here. */
  leaseLost: JobEventFields;
  /** Something went wrong that the worker survived: a store call, a listener, a job's handling. */
  error: {
    /** What failed: `store` (a store call, retried), `listener` (an event listener threw) or `job`. */
    kind: "store" | "listener" | "job";
    /** What the worker was doing. */
    action: string;
    /** The error. */
    error: unknown;
    /** The queue concerned, when there is one. */
    queue?: string;
    /** The job concerned, when there is one. */
    id?: string;
  };
  /** No job runs in the worker any more. */
  idle: {
    /** When (epoch ms, this host's clock). */
    at: number;
  };
}

/** The name of a worker event. */
export type WorkerEventName = keyof WorkerEventMap;

/** A listener of event `K`. */
export type WorkerEventListener<K extends WorkerEventName> = (detail: WorkerEventMap[K]) => void;

/**
 * A typed emitter of {@linkcode WorkerEventMap} events. Listeners run in the
 * order they were added, synchronously; one that throws (or returns a
 * promise that rejects) is reported on `error` and the others still run. An
 * `error` listener that throws is passed to `onListenerError`.
 *
 * @example
 * ```ts
 * import { WorkerEvents } from "./worker_events.ts";
 *
 * const events = new WorkerEvents();
 * const off = events.on("idle", (e) => console.log("idle at", e.at));
 * events.emit("idle", { at: Date.now() });
 * off();
 * ```
 */
export class WorkerEvents {
  readonly #listeners = new Map<WorkerEventName, Set<(detail: never) => void>>();
  readonly #onListenerError: (error: unknown) => void;

  /** @param onListenerError Called when an `error` listener itself throws. */
  constructor(onListenerError: (error: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  /**
   * Calls `listener` with each `type` event until the returned function is called.
   *
   * @throws {TypeError} When `listener` is not a function.
   */
  on<K extends WorkerEventName>(type: K, listener: WorkerEventListener<K>): () => void {
    if (typeof listener !== "function") {
      throw new TypeError(
        `Cannot listen to worker event "${
          String(type)
        }": the listener is a ${typeof listener}, expected a function`,
      );
    }
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, set = new Set());
    set.add(listener);
    return () => this.off(type, listener);
  }

  /** Stops calling `listener` with `type` events. */
  off<K extends WorkerEventName>(type: K, listener: WorkerEventListener<K>): void {
    this.#listeners.get(type)?.delete(listener);
  }

  /** Whether any listener waits for `type` (so that the emitter can skip building an event). */
  has(type: WorkerEventName): boolean {
    return (this.#listeners.get(type)?.size ?? 0) > 0;
  }

  /** Delivers a `type` event to its listeners. */
  emit<K extends WorkerEventName>(type: K, detail: WorkerEventMap[K]): void {
    const set = this.#listeners.get(type);
    if (!set || set.size === 0) return;
    // (a listener removed meanwhile is skipped, one added meanwhile is called too)
    for (const listener of set) {
      try {
        const out = (listener as WorkerEventListener<K>)(detail) as unknown;
        if (out instanceof Promise) out.catch((error) => this.#listenerFailed(type, error));
      } catch (error) {
        this.#listenerFailed(type, error);
      }
    }
  }

  #listenerFailed(type: WorkerEventName, error: unknown): void {
    if (type === "error") {
      this.#onListenerError(error);
      return;
    }
    this.emit("error", { kind: "listener", action: `run a "${type}" listener`, error });
    if (!this.has("error")) this.#onListenerError(error);
  }
}

/** How long `job` waited from when it was due (or enqueued) to its start, in ms. */
export function jobWaitMs(job: LeasedJob): number {
  return Math.max(0, job.startedAt - Math.max(job.enqueuedAt, job.dueAt));
}

/**
 * The `done` event of `job`'s attempt `attempt`: the fields of
 * {@linkcode jobEventFields} with two more set on the same object (the hot
 * path spreads no object into another).
 */
export function doneEvent(
  job: LeasedJob,
  attempt: number,
  value: unknown,
  durationMs: number,
): WorkerEventMap["done"] {
  const event = jobEventFields(job, attempt) as WorkerEventMap["done"];
  event.value = value;
  event.durationMs = durationMs;
  return event;
}

/** The fields of every event about `job`, for its attempt `attempt`. */
export function jobEventFields(job: LeasedJob, attempt: number): JobEventFields {
  return {
    id: job.id,
    queue: logicalQueue(job.queue),
    actor: job.actor,
    attempt,
    deliveries: job.deliveries,
    enqueuedAt: job.enqueuedAt,
    startedAt: job.startedAt,
    waitMs: jobWaitMs(job),
  };
}
