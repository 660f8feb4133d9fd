/**
 * Rate-limited warnings about jobs for actors a worker lacks: the first job
 * of an actor and queue is logged at `warn`, later ones at most once per
 * `UNKNOWN_ACTOR_WARN_EVERY_MS` (with how many were put back meanwhile),
 * the rest at `debug`. A mistyped actor name thus shows up at once, and a
 * canary release (jobs for a newer actor) does not flood the log.
 *
 * @module
 */

import type { Logger } from "../log.ts";

/** How often a worker repeats its warning about one unknown actor on one queue. */
export const UNKNOWN_ACTOR_WARN_EVERY_MS = 60_000;

/**
 * Decides, per actor and queue, whether a job for an unknown actor is warned about.
 *
 * @example
 * ```ts ignore
 * const warnings = new UnknownActorWarnings(log);
 * warnings.putBack(job, worker.actorNames); // warn the first time, then once a minute
 * ```
 */
export class UnknownActorWarnings {
  readonly #log: Logger;
  readonly #everyMs: number;
  readonly #seen = new Map<string, { warnedAt: number; since: number }>();

  /**
   * @param log The worker's logger.
   * @param everyMs How often to repeat the warning per actor and queue.
   */
  constructor(log: Logger, everyMs: number = UNKNOWN_ACTOR_WARN_EVERY_MS) {
    this.#log = log;
    this.#everyMs = everyMs;
  }

  /** Reports that a job of `queue` for `actor`, which this worker lacks, was put back. */
  putBack(job: { id: string; queue: string; actor: string; deliveries: number }, known: string[]) {
    const key = `${job.queue}\n${job.actor}`;
    const now = performance.now();
    const seen = this.#seen.get(key);
    if (seen && now - seen.warnedAt < this.#everyMs) {
      seen.since++;
      this.#log.debug("put back job for unknown actor", {
        id: job.id,
        actor: job.actor,
        deliveries: job.deliveries,
      });
      return;
    }
    this.#log.warn(
      `no actor "${job.actor}" on queue "${job.queue}" in this worker: its jobs are put back ` +
        `for another worker (a mistyped name, or a worker not deployed yet?)`,
      {
        id: job.id,
        actor: job.actor,
        queue: job.queue,
        deliveries: job.deliveries,
        actors: known,
        ...(seen ? { putBackSinceLastWarning: seen.since } : {}),
      },
    );
    this.#seen.set(key, { warnedAt: now, since: 0 });
  }
}
