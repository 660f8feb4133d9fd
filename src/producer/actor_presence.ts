/**
 * Whether a running worker serves the actor a producer enqueues for, read
 * from the workers' registry (cached for `PRESENCE_CACHE_MS`, so that it
 * costs one read per producer every few seconds, not one per job):
 *
 * - `"warn"` (default): the enqueue goes ahead; when workers are running but
 *   none has the actor on that queue (a mistyped name), one warning per
 *   actor and queue is logged. With no worker running at all nothing is
 *   said: producers often start first.
 * - `"refuse"`: the enqueue rejects with {@linkcode UnknownActorError}
 *   (nothing written) unless a running worker has the actor on that queue.
 * - `"ignore"`: no check.
 *
 * @module
 */

import type { Backend } from "../backend/backend.ts";
import { servesActor, type WorkerInfo } from "../core/worker_info.ts";
import { UnknownActorError } from "../errors.ts";
import type { Logger } from "../log.ts";

/** What a producer does about jobs for actors no running worker has. */
export type UnknownActorsPolicy = "warn" | "refuse" | "ignore";

/** How long a producer trusts its read of the workers' registry. */
export const PRESENCE_CACHE_MS = 2_000;

const POLICIES: readonly UnknownActorsPolicy[] = ["warn", "refuse", "ignore"];

/**
 * Throws a `TypeError` unless `value` is a policy.
 *
 * @example
 * ```ts ignore
 * assertUnknownActorsPolicy("refuse", "Cannot create producer"); // "refuse"
 * ```
 */
export function assertUnknownActorsPolicy(value: unknown, action: string): UnknownActorsPolicy {
  if (!POLICIES.includes(value as UnknownActorsPolicy)) {
    throw new TypeError(
      `${action}: unknownActors is ${JSON.stringify(value)}, expected one of ${
        POLICIES.join(", ")
      }`,
    );
  }
  return value as UnknownActorsPolicy;
}

/**
 * The producer's check of actors against the workers' registry.
 *
 * @example
 * ```ts ignore
 * const presence = new ActorPresence(backend, "refuse", log);
 * await presence.check([{ queue: "default", actor: "string_length" }]); // UnknownActorError?
 * ```
 */
export class ActorPresence {
  readonly #backend: Backend;
  readonly #policy: UnknownActorsPolicy;
  readonly #log: Logger;
  #read: { at: number; workers: Promise<WorkerInfo[]> } | undefined;
  readonly #warned = new Set<string>();

  /**
   * @param backend The store (a store without a registry is never checked).
   * @param policy What to do about an actor no running worker has.
   * @param log Where warnings go.
   */
  constructor(backend: Backend, policy: UnknownActorsPolicy, log: Logger) {
    this.#backend = backend;
    this.#policy = policy;
    this.#log = log;
  }

  /**
   * Checks `items` before they are enqueued: `undefined` (nothing to wait
   * for, so that an enqueue takes no extra turn) unless the policy is
   * `"refuse"`, which waits for the registry and rejects with an
   * {@linkcode UnknownActorError} for the first item no worker serves.
   */
  check(items: readonly { queue: string; actor: string }[]): Promise<void> | undefined {
    if (this.#policy === "ignore" || !this.#backend.listWorkers) return undefined;
    if (this.#policy === "warn") {
      this.#workers().then((workers) => this.#warn(workers, items), () => {});
      return undefined;
    }
    return this.#refuse(items);
  }

  async #refuse(items: readonly { queue: string; actor: string }[]): Promise<void> {
    let workers = await this.#workers();
    if (items.some((i) => !servesActor(workers, i.queue, i.actor))) {
      workers = await this.#workers(true); // a worker may have started since the cached read
    }
    for (const { queue, actor } of items) {
      if (!servesActor(workers, queue, actor)) {
        throw new UnknownActorError(actor, queue, served(workers));
      }
    }
  }

  #warn(workers: WorkerInfo[], items: readonly { queue: string; actor: string }[]): void {
    if (workers.length === 0) return;
    let last: { queue: string; actor: string } | undefined;
    for (const item of items) {
      const { queue, actor } = item;
      // a bulk call's items mostly share one actor and queue: checked once in a row
      if (last !== undefined && last.queue === queue && last.actor === actor) continue;
      last = item;
      const key = `${queue}\n${actor}`;
      if (this.#warned.has(key) || servesActor(workers, queue, actor)) continue;
      this.#warned.add(key);
      this.#log.warn(
        `no running worker has actor "${actor}" on queue "${queue}": the job waits until one does ` +
          `(a mistyped name? Running workers serve ${served(workers).join(", ")})`,
        { actor, queue },
      );
    }
  }

  #workers(fresh = false): Promise<WorkerInfo[]> {
    const now = performance.now();
    if (!fresh && this.#read && now - this.#read.at < PRESENCE_CACHE_MS) return this.#read.workers;
    const workers = this.#backend.listWorkers!();
    this.#read = { at: now, workers };
    workers.catch(() => {
      if (this.#read?.workers === workers) this.#read = undefined; // not cached
    });
    return workers;
  }
}

/** `actor (queue)` for every actor the workers serve, sorted. */
function served(workers: readonly WorkerInfo[]): string[] {
  const out = new Set<string>();
  for (const w of workers) {
    for (const [queue, actors] of Object.entries(w.actors)) {
      for (const a of actors) out.add(`${a} (${queue})`);
    }
  }
  return [...out].sort();
}
