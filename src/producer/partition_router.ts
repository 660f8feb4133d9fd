/**
 * Where a producer puts each job of a partitioned queue: the count of
 * partitions comes from the store (recorded by the queue's first worker),
 * read when the queue is first used and again in the background every few
 * seconds (an actor definition's `partitions` is declared, as a worker
 * does); the partition from the job's `partitionKey`, else its custom id,
 * else in turn.
 *
 * @module
 */

import type { Backend } from "../backend/backend.ts";
import type { NewJob } from "../core/job.ts";
import { partitionOfKey, partitionQueues } from "../core/partitions.ts";
import { declarePartitionCount } from "../backend/partition_count.ts";

/** How long a count read from the store is used before it is read again (in the background). */
export const PARTITIONS_REFRESH_MS = 5_000;

interface Known {
  n: number;
  readAt: number;
  reading?: Promise<number>;
}

/**
 * Routes jobs to the partitions of their queue.
 *
 * @example
 * ```ts
 * import { MemoryBackend } from "../backend/memory/memory_backend.ts";
 * import { PartitionRouter } from "./partition_router.ts";
 *
 * const backend = new MemoryBackend();
 * await backend.declarePartitions("emails", 3);
 * const router = new PartitionRouter(backend);
 * const [job] = await router.route([{
 *   id: "a", customId: false, queue: "emails", actor: "send", argsJson: "[]", dueAt: 0,
 * }], undefined, "enqueue job");
 * console.assert(job.queue.startsWith("emails"));
 * await backend.close();
 * ```
 */
export class PartitionRouter {
  readonly #backend: Backend;
  readonly #known = new Map<string, Known>();
  /** Reads of counts not known yet, shared by the enqueues that wait for them. */
  readonly #reading = new Map<string, Promise<number>>();
  readonly #turn = new Map<string, number>();
  /** The queues whose declared count the store confirmed, with that count. */
  readonly #confirmed = new Map<string, number>();

  /** @param backend The store the counts are read from. */
  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /**
   * Declares that `queue` has `n` partitions (an actor definition's
   * `partitions`): records it unless the store has a count, once per queue;
   * rejects with a {@linkcode PartitionsMismatchError} when the store's
   * count differs. `undefined` (nothing to wait for) once confirmed.
   */
  declare(queue: string, n: number, action: string): Promise<void> | undefined {
    if (this.#confirmed.get(queue) === n) return undefined;
    return declarePartitionCount(this.#backend, queue, n, action).then(() => {
      this.#known.set(queue, { n, readAt: Date.now() });
      this.#confirmed.set(queue, n);
    });
  }

  /** The partition count of `queue` (read from the store when not known; errors name `action`). */
  async partitions(queue: string, action: string): Promise<number> {
    return this.#countNow(queue) ?? await this.#read(queue, action);
  }

  /**
   * The partition count of `queue` when known (an old one is read again in
   * the background), else `undefined`.
   */
  #countNow(queue: string): number | undefined {
    const known = this.#known.get(queue);
    if (!known) return undefined;
    if (Date.now() - known.readAt >= PARTITIONS_REFRESH_MS && !known.reading) {
      known.reading = this.#read(queue, "read the partitions of a queue").catch(() => {
        known.reading = undefined;
        return known.n;
      });
    }
    return known.n;
  }

  /** Reads the partition count of `queue` from the store (one read at a time per queue). */
  #read(queue: string, action: string): Promise<number> {
    let reading = this.#reading.get(queue);
    if (!reading) {
      reading = Promise.resolve(this.#backend.readPartitions?.(queue, action) ?? 1).then((n) => {
        this.#known.set(queue, { n, readAt: Date.now() });
        return n;
      }).finally(() => this.#reading.delete(queue));
      this.#reading.set(queue, reading);
    }
    return reading;
  }

  /**
   * `jobs` with each job of a partitioned queue moved to one of its
   * partitions (`keys[i]`, when given, picks job i's; else its custom id;
   * else the next partition in turn); jobs of other queues are kept as is.
   * Synchronous once the counts of the jobs' queues are known; errors name
   * `action` (such as `"enqueue job"`).
   */
  route(
    jobs: NewJob[],
    keys: (string | undefined)[] | undefined,
    action: string,
  ): NewJob[] | Promise<NewJob[]> {
    // Each queue is looked up once, not once per job: a run of jobs of one
    // queue (the common bulk call) costs one lookup.
    let unknown: Set<string> | undefined;
    let partitioned = false;
    let last: string | undefined;
    for (const job of jobs) {
      if (job.queue === last) continue;
      last = job.queue;
      const n = this.#countNow(last);
      if (n === undefined) (unknown ??= new Set()).add(last);
      else if (n !== 1) partitioned = true;
    }
    if (!unknown) return partitioned ? this.#place(jobs, keys) : jobs;
    return Promise.all([...unknown].map((q) => this.#read(q, action))).then(() =>
      this.#place(jobs, keys)
    );
  }

  #place(jobs: NewJob[], keys: (string | undefined)[] | undefined): NewJob[] {
    let out: NewJob[] | undefined;
    jobs.forEach((job, i) => {
      const n = this.#known.get(job.queue)?.n ?? 1;
      if (n === 1) return;
      const key = keys?.[i] ?? (job.customId ? job.id : undefined);
      let p: number;
      if (key !== undefined) p = partitionOfKey(key, n);
      else {
        p = this.#turn.get(job.queue) ?? 0;
        this.#turn.set(job.queue, (p + 1) % n);
      }
      out ??= [...jobs];
      out[i] = { ...job, queue: partitionQueues(job.queue, n)[p] };
    });
    return out ?? jobs;
  }
}
