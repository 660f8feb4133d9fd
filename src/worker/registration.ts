/**
 * A running worker's entry in the workers' registry: registered when the
 * worker starts, renewed every `WORKER_HEARTBEAT_MS`, removed when it stops.
 * A store without a registry is skipped; a failed heartbeat is logged once
 * and tried again at the next beat (the registry is advisory: it tells
 * producers whether an actor has a worker, it never gates jobs).
 *
 * @module
 */

import os from "node:os";
import process from "node:process";
import type { Backend } from "../backend/backend.ts";
import {
  WORKER_HEARTBEAT_MS,
  WORKER_TTL_MS,
  type WorkerAnnouncement,
} from "../core/worker_info.ts";
import type { Logger } from "../log.ts";
import { sleep } from "../core/sleep.ts";

/** How long a stopping worker waits for its registration to be removed. */
const UNREGISTER_WAIT_MS = 1_000;

/**
 * Registers a worker and keeps its registration alive until {@linkcode WorkerRegistration.stop}.
 *
 * @example
 * ```ts ignore
 * const registration = new WorkerRegistration(backend, { id, queues, actors, concurrency: 10 }, log);
 * registration.start();
 * await registration.stop();
 * ```
 */
export class WorkerRegistration {
  readonly #backend: Backend;
  readonly #log: Logger;
  readonly #announcement: WorkerAnnouncement;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #running: () => number;
  #failing = false;
  #beating: Promise<void> = Promise.resolve();

  /**
   * @param backend The store.
   * @param worker The worker's id, queues, actors per queue and concurrency.
   * @param log Where a failed heartbeat is reported.
   * @param running How many jobs the worker runs now (sent with each heartbeat).
   */
  constructor(
    backend: Backend,
    worker: Omit<WorkerAnnouncement, "host" | "pid" | "running">,
    log: Logger,
    running: () => number = () => 0,
  ) {
    this.#backend = backend;
    this.#log = log;
    this.#running = running;
    this.#announcement = { ...worker, host: os.hostname(), pid: process.pid };
  }

  /**
   * Registers now (without waiting for the store: a worker never waits on
   * its registration), then renews every `WORKER_HEARTBEAT_MS` (the timer
   * never holds the process).
   */
  start(): void {
    if (!this.#backend.heartbeatWorker) return;
    this.#beating = this.#beat();
    this.#timer = setInterval(() => (this.#beating = this.#beat()), WORKER_HEARTBEAT_MS);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Stops the heartbeat and removes the registration (best effort). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    // Bounded: while the store is unreachable the registration expires by itself.
    const bound = new AbortController();
    try {
      // After the heartbeat in flight, which would register the worker again.
      const unregister = this.#beating.then(() =>
        this.#backend.unregisterWorker?.(this.#announcement.id)
      );
      await Promise.race([unregister, sleep(UNREGISTER_WAIT_MS, bound.signal)]);
    } catch {
      // It expires by itself.
    } finally {
      bound.abort();
    }
  }

  async #beat(): Promise<void> {
    try {
      const announcement = { ...this.#announcement, running: this.#running() };
      await this.#backend.heartbeatWorker!(announcement, WORKER_TTL_MS);
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) this.#log.warn("cannot renew the worker's registration", { error });
      this.#failing = true;
    }
  }
}

/**
 * The actors of `actors` grouped by queue.
 *
 * @example
 * ```ts ignore
 * actorsByQueue([{ name: "a", queue: "default" }]); // { default: ["a"] }
 * ```
 */
export function actorsByQueue(
  actors: Iterable<{ name: string; queue: string }>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of actors) (out[a.queue] ??= []).push(a.name);
  return out;
}
