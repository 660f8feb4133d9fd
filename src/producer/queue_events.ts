/**
 * The events of one queue, followed from any process: every job that
 * finishes (done, failed, dead, cancelled) and every progress a running job
 * reports, read from the queue's channel that the store's scripts publish on.
 *
 * @module
 */

import type { Backend } from "../backend/backend.ts";
import type { JobResult, QueueStoreEvent } from "../core/job.ts";

/** A job of the queue finished. */
export interface QueueFinishedEvent {
  /** How it finished (a result's status). */
  type: JobResult["status"];
  /** The job's id. */
  id: string;
  /** The job's queue. */
  queue: string;
  /** The actor the job was for. */
  actor: string;
  /** The job's stored result. */
  result: JobResult;
}

/** A running job of the queue reported its progress. */
export interface QueueProgressEvent {
  /** Always `"progress"`. */
  type: "progress";
  /** The job's id. */
  id: string;
  /** The job's queue. */
  queue: string;
  /** The value its actor gave to `this.progress()`. */
  progress: unknown;
}

/** One event of {@linkcode QueueEvents}. */
export type QueueEvent = QueueFinishedEvent | QueueProgressEvent;

/** Options of `queue.events()`. */
export interface QueueEventsOptions {
  /**
   * Ends the iteration when aborted.
   * @default {undefined (it ends when the producer closes, or the loop breaks)}
   */
  signal?: AbortSignal;
}

/**
 * The events of one queue as an async iterator: `for await (const e of
 * events)`. It subscribes at once (await {@linkcode QueueEvents.ready} to
 * know that no later event is missed) and keeps events that arrive before
 * they are read. It ends when its signal aborts, when its producer closes,
 * or when the loop breaks. A finished job announced without its result
 * (one too large for the message) is read from the store first; one gone
 * by then (its result expired) is left out.
 *
 * @example
 * ```ts
 * import { Repid } from "@repid/repid";
 *
 * const producer = new Repid("memory://");
 * const events = producer.queue("emails").events({ signal: AbortSignal.timeout(50) });
 * await events.ready;
 * for await (const e of events) console.log(e.type, e.id); // until the signal aborts
 * await producer.close();
 * ```
 */
export class QueueEvents implements AsyncIterableIterator<QueueEvent> {
  /** The queue followed. */
  readonly queue: string;
  /** Resolves once subscribed: every event from then on is delivered. */
  readonly ready: Promise<void>;
  readonly #backend: Backend;
  /** Events in arrival order; a finished job read from the store is a promise until read. */
  readonly #buffer: Promise<QueueEvent | null>[] = [];
  #wake: (() => void) | undefined;
  #ended = false;
  #off: Promise<() => Promise<void>>;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.#end();
  readonly #onEnd: (events: QueueEvents) => void;

  /**
   * @ignore
   * @param physical The queues the store keeps for `queue` (its partitions, or itself).
   */
  constructor(
    backend: Backend,
    queue: string,
    options: QueueEventsOptions,
    onEnd: (events: QueueEvents) => void,
    physical: Promise<readonly string[]> = Promise.resolve([queue]),
  ) {
    this.#backend = backend;
    this.queue = queue;
    this.#signal = options.signal;
    this.#onEnd = onEnd;
    this.#off = physical.then(async (queues) => {
      const offs = await Promise.all(
        queues.map((q) => backend.onQueueEvents(q, (e) => this.#push(q, e))),
      );
      return async () => {
        for (const off of offs) await off();
      };
    });
    this.ready = this.#off.then(() => {});
    // A failed subscription ends the iteration with its error (on the next read).
    this.ready.catch(() => {});
    this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
    if (this.#signal?.aborted) this.#end();
  }

  /** An event of the physical queue `from`. */
  #push(from: string, e: QueueStoreEvent): void {
    if (this.#ended) return;
    if (e.type === "progress") {
      this.#buffer.push(
        Promise.resolve({ type: "progress", id: e.id, queue: this.queue, progress: e.progress }),
      );
    } else if (e.info?.result) {
      this.#buffer.push(Promise.resolve(finished(this.queue, e.info.result)));
    } else {
      this.#buffer.push(
        this.#backend.getJob(from, e.id).then(
          (info) => info?.result ? finished(this.queue, info.result) : null,
          () => null,
        ),
      );
    }
    this.#wake?.();
  }

  /** Ends the iteration (as a break of the loop does). */
  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#onEnd(this);
    this.#wake?.();
    void this.#off.then((off) => off(), () => {});
  }

  /** Ends the iteration; the producer calls it when it closes. */
  close(): Promise<void> {
    this.#end();
    return this.#off.then(() => {}, () => {});
  }

  /** The next event, once one arrives; done once ended. */
  async next(): Promise<IteratorResult<QueueEvent>> {
    await this.ready;
    while (true) {
      if (this.#ended) return { done: true, value: undefined };
      const head = this.#buffer.shift();
      if (head) {
        const event = await head;
        if (event) return { done: false, value: event };
        continue;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }

  /** Ends the iteration (a `break` out of `for await`). */
  async return(): Promise<IteratorResult<QueueEvent>> {
    await this.close();
    return { done: true, value: undefined };
  }

  /** The iterator itself (so that `for await` takes it). */
  [Symbol.asyncIterator](): AsyncIterableIterator<QueueEvent> {
    return this;
  }
}

function finished(queue: string, result: JobResult): QueueFinishedEvent {
  return { type: result.status, id: result.id, queue, actor: result.actor, result };
}
