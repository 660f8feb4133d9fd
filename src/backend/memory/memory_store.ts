/**
 * The data of one in-memory store, shared by the backends that open it:
 * its queues, its workers' registry, its change listeners and its clock.
 *
 * @module
 */

import { MemoryWorkerRegistry } from "./worker_registry.ts";
import { type JobRecord, newQueueState, type QueueState } from "./queue_state.ts";
import { sweepQueues, SweepTimer } from "./sweeper.ts";

/** Data shared by the backends that open it. */
export class MemoryStore {
  /** The queue states, by prefix and queue. */
  readonly queues = new Map<string, QueueState>();
  /** Called after every transition (see `MemoryBackend.onChange`). */
  readonly changeListeners = new Set<() => void>();
  /** The partition counts recorded, by prefix and queue (see `Backend.declarePartitions`). */
  readonly partitions = new Map<string, number>();
  /** Per prefix, the names of the queues a job or a schedule was ever added to. */
  readonly queueNames = new Map<string, Set<string>>();
  /** The workers' registry (their heartbeats). */
  readonly workers = new MemoryWorkerRegistry();
  /** How many open backends use the store. */
  refs = 0;
  readonly #sweeper: SweepTimer;

  /**
   * @param name The name of a shared store, `undefined` for a private one.
   * @param clock The store's clock (epoch ms).
   * @param sweepMs How often expired records are removed besides on access.
   * @param onIdle Called when a sweep finds the store unused and empty.
   */
  constructor(
    readonly name: string | undefined,
    readonly clock: () => number,
    sweepMs: number,
    readonly onIdle: (store: MemoryStore) => void = () => {},
  ) {
    this.#sweeper = new SweepTimer(sweepMs, () => this.sweep());
  }

  /** The store's time, whole epoch milliseconds. */
  now(): number {
    return Math.floor(this.clock());
  }

  /** The state of `queue` under `prefix`, made when first used. */
  queue(prefix: string, queue: string): QueueState {
    const key = `${prefix}\n${queue}`;
    let q = this.queues.get(key);
    if (!q) {
      q = newQueueState(prefix, queue);
      this.queues.set(key, q);
    }
    return q;
  }

  /** Notes that `queue` under `prefix` holds jobs or schedules (the registry of queue names). */
  registerQueue(prefix: string, queue: string): void {
    let names = this.queueNames.get(prefix);
    if (!names) this.queueNames.set(prefix, names = new Set());
    names.add(queue);
  }

  /** Calls the change listeners (after a transition committed). */
  changed(): void {
    for (const f of this.changeListeners) {
      try {
        f();
      } catch {
        // a listener's failure is its own business
      }
    }
  }

  /** Makes `rec` expire `ttlMs` after `now`, like a Redis `PEXPIRE`. */
  expire(rec: JobRecord, now: number, ttlMs: number): void {
    rec.expiresAt = now + ttlMs;
    this.#sweeper.start();
  }

  /** Removes expired records and unused queue states; an unused, empty store is let go. */
  sweep(): void {
    if (!sweepQueues(this.queues, this.now())) this.stopSweeping();
    if (this.refs === 0 && this.queues.size === 0) this.onIdle(this);
  }

  /** Stops the sweep timer. */
  stopSweeping(): void {
    this.#sweeper.stop();
  }
}
