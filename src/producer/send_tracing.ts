/**
 * The `send <queue>` spans of enqueued jobs (see `src/core/tracing.ts`):
 * one per job, ended when the store has taken it, its `traceparent` stored
 * with the job so that the worker's span continues the trace.
 *
 * @module
 */

import type { NewJob } from "../core/job.ts";
import { toJobError } from "../core/job_error.ts";
import { endSpan, isNoopSpan, spansAreNoop, startSendSpan } from "../core/tracing.ts";

/**
 * Runs `write` (the enqueue of `jobs`) inside one PRODUCER span per job,
 * after giving each job the `traceparent` of its span (when an SDK records
 * it). A rejected write is recorded on every span.
 *
 * @example
 * ```ts ignore
 * const outcomes = await traceSends(jobs, () => backend.enqueue(jobs));
 * ```
 */
export function traceSends<T>(jobs: NewJob[], write: () => Promise<T>): Promise<T> {
  // No SDK and no span to continue (the usual case without OpenTelemetry):
  // no span would record anything or give a traceparent.
  return spansAreNoop() ? write() : traceEach(jobs, write);
}

async function traceEach<T>(jobs: NewJob[], write: () => Promise<T>): Promise<T> {
  const first = startSendSpan(jobs[0].queue, jobs[0].id, jobs[0].actor);
  // With no SDK registered and no active span to continue, the first span
  // is a no-op with no trace context, and so would every other job's be
  // (all are started from the same context and provider): the rest of the
  // spans, their attributes and their ends are skipped.
  if (isNoopSpan(first.span)) return await write();
  const spans = jobs.map((job, i) => {
    const { span, traceparent } = i === 0 ? first : startSendSpan(job.queue, job.id, job.actor);
    if (traceparent !== undefined) job.options = { ...job.options, traceparent };
    return span;
  });
  try {
    const out = await write();
    for (const span of spans) endSpan(span);
    return out;
  } catch (error) {
    const e = toJobError(error);
    for (const span of spans) endSpan(span, e);
    throw error;
  }
}
