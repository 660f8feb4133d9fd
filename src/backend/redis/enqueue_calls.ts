/**
 * Enqueueing on Redis: one script call per queue (`enqueue` for one job,
 * `enqueue_many` for more), the queues' calls sent together, each queue's
 * outcome its own.
 *
 * @module
 */

import type { EnqueueOutcome, JobStatus, NewJob } from "../../core/job.ts";
import { PartialEnqueueError } from "../partial_enqueue.ts";
import type { QueueKeys } from "./keys.ts";
import type { ScriptArg } from "./script_runner.ts";

/** What the enqueue calls need of the store. */
export interface EnqueueContext {
  /** The keys of a queue. */
  queueKeys(queue: string): QueueKeys;
  /** Runs a script. */
  run(action: string, script: string, ...args: ScriptArg[]): Promise<unknown>;
  /** Runs a write, then waits for a replica when the store's durability asks for it. */
  written<T>(queue: string, action: string, write: () => Promise<T>): Promise<T>;
}

/**
 * One script call per queue: a queue with one job uses `enqueue`, a queue
 * with more uses `enqueue_many` (atomic for that queue's jobs). The calls
 * for several queues are sent together, and succeed or fail on their own:
 * when some fail, a {@linkcode PartialEnqueueError} gives each job its own
 * queue's outcome or error.
 */
export async function enqueueJobs(
  ctx: EnqueueContext,
  jobs: NewJob[],
): Promise<EnqueueOutcome[]> {
  if (jobs.length === 1) return [await enqueueOne(ctx, jobs[0])];
  const byQueue = new Map<string, number[]>();
  jobs.forEach((job, i) => {
    const list = byQueue.get(job.queue);
    if (list) list.push(i);
    else byQueue.set(job.queue, [i]);
  });
  const out = new Array<EnqueueOutcome>(jobs.length);
  const settled = await Promise.allSettled([...byQueue].map(async ([queue, indexes]) => {
    if (indexes.length === 1) {
      out[indexes[0]] = await enqueueOne(ctx, jobs[indexes[0]]);
      return;
    }
    const k = ctx.queueKeys(queue);
    const args: (string | number)[] = [k.ready, k.deferred, k.signal, k.jobPrefix, k.states];
    for (const i of indexes) {
      const job = jobs[i];
      args.push(
        job.id,
        job.actor,
        job.argsJson,
        job.dueAt,
        job.options ? JSON.stringify(job.options) : "",
      );
    }
    const res = (await ctx.written(
      queue,
      "enqueue jobs",
      () => ctx.run("enqueue jobs", "repidEnqueueMany", args),
    )) as [number, string?, ...number[]];
    // { now } when all were created queued, else a letter per job and the
    // enqueuedAt of each job kept (see the script).
    const now = Number(res[0]);
    const codes = res[1];
    let kept = 2;
    indexes.forEach((i, n) => {
      const c = codes === undefined ? "q" : codes[n];
      out[i] = c === "q" || c === "d"
        ? { created: true, status: c === "q" ? "queued" : "deferred", enqueuedAt: now }
        : { created: false, status: KEPT[c], enqueuedAt: Number(res[kept++]) };
    });
  }));
  if (settled.every((s) => s.status === "fulfilled")) return out;
  if (byQueue.size === 1) throw (settled[0] as PromiseRejectedResult).reason;
  // Queues succeed or fail on their own (another master, another error): say which.
  const errors = new Array<unknown>(jobs.length);
  [...byQueue.values()].forEach((indexes, q) => {
    const s = settled[q];
    if (s.status === "rejected") { for (const i of indexes) errors[i] = s.reason; }
  });
  throw new PartialEnqueueError(
    jobs.map((_, i) => errors[i] === undefined ? out[i] : undefined),
    errors,
  );
}

/** The status of a job `enqueue_many` kept, by its letter in the reply. */
const KEPT: Record<string, JobStatus> = { Q: "queued", D: "deferred", R: "in_progress" };

/** One job: the `enqueue` script. */
async function enqueueOne(ctx: EnqueueContext, job: NewJob): Promise<EnqueueOutcome> {
  const k = ctx.queueKeys(job.queue);
  const [created, status, enqueuedAt] = await ctx.written(job.queue, "enqueue job", () =>
    ctx.run(
      "enqueue job",
      "repidEnqueue",
      k.jobPrefix + job.id,
      k.ready,
      k.deferred,
      k.signal,
      k.states,
      job.id,
      job.actor,
      job.argsJson,
      job.dueAt,
      job.options ? JSON.stringify(job.options) : "",
    )) as [number, JobStatus, number];
  return { created: created === 1, status, enqueuedAt: Number(enqueuedAt) };
}
