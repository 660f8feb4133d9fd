/**
 * The workers' registry: what each running worker announces about itself,
 * kept fresh by a heartbeat and gone when the worker stops (or, when it was
 * killed, once its heartbeat is older than the registration's TTL).
 *
 * @module
 */

/** What a worker registers (the store adds `startedAt` and `lastSeenAt`). */
export interface WorkerAnnouncement {
  /** The worker's id (random, per `runForever()`). */
  id: string;
  /** The host name of its machine. */
  host: string;
  /** Its process id. */
  pid: number;
  /** The queues it takes jobs from. */
  queues: string[];
  /** The names of its actors, per queue. */
  actors: Record<string, string[]>;
  /** How many jobs it runs at once. */
  concurrency: number;
  /**
   * How many jobs it was running at its latest heartbeat (absent from a
   * worker of an earlier version).
   * @default {undefined}
   */
  running?: number;
}

/** A live worker, as the registry lists it. */
export interface WorkerInfo extends WorkerAnnouncement {
  /** When it registered (store clock, epoch ms). */
  startedAt: number;
  /** Its latest heartbeat (store clock, epoch ms). */
  lastSeenAt: number;
}

/** How often a running worker renews its registration. */
export const WORKER_HEARTBEAT_MS = 5_000;

/** How long a registration lives without a heartbeat (a killed worker drops out after it). */
export const WORKER_TTL_MS = 3 * WORKER_HEARTBEAT_MS;

/**
 * Whether any of `workers` has the actor `actor` on `queue`.
 *
 * @example
 * ```ts ignore
 * servesActor(await backend.listWorkers(), "default", "string_length"); // true or false
 * ```
 */
export function servesActor(workers: readonly WorkerInfo[], queue: string, actor: string): boolean {
  return workers.some((w) => w.actors[queue]?.includes(actor) ?? false);
}
