/**
 * The arguments and replies of the job scripts: completions as script
 * arguments, the fetch script's reply, and the finished-channel message.
 * Pure functions, no I/O.
 *
 * @module
 */

import type { FetchResult } from "../backend.ts";
import type { Completion, JobInfo, LeasedJob, QueueStoreEvent } from "../../core/job.ts";
import { jobInfoFromHash, parseJsonOr, storedErrors, storedOptions } from "../../core/job.ts";
import { FINISHED_FIELDS } from "../../core/job_record.ts";
import { clampTtlMs } from "../../core/store_limits.ts";

/**
 * Appends the script argument of each completion (see scripts/complete.ts):
 * its 8 values joined by newlines, the id last. One argument per job, not
 * eight: the client frames each argument on its own (a few strings made and
 * thrown away per argument), and a worker sends one completion per job.
 */
export function pushCompletions(args: (string | number)[], completions: Completion[]): void {
  for (const c of completions) {
    // joined, not a template literal: one flat string, not a rope of ~15 pieces
    args.push(
      [
        c.token,
        c.status,
        c.attempts,
        clampTtlMs(c.ttlMs),
        c.error ? JSON.stringify(c.error) : "",
        c.errors.length ? JSON.stringify(c.errors) : "[]",
        c.valueJson,
        c.id,
      ].join("\n"),
    );
  }
}

/** Reads the reply of the fetch script (see scripts/fetch.ts). */
export function fetchResult(queue: string, token: string, out: (string | number)[]): FetchResult {
  const now = Number(out[1]);
  const jobs: LeasedJob[] = [];
  for (let i = 2; i < out.length; i += 9) {
    jobs.push({
      id: String(out[i]),
      queue,
      actor: String(out[i + 1]),
      argsJson: String(out[i + 2]),
      token,
      deliveries: Number(out[i + 3]),
      attempts: Number(out[i + 4]),
      errors: storedErrors(String(out[i + 5])),
      enqueuedAt: Number(out[i + 6]),
      startedAt: now,
      options: storedOptions(String(out[i + 7])),
      dueAt: Number(out[i + 8]),
    });
  }
  return { jobs, wakeInMs: Number(out[0]) };
}

/** The fields of a job's hash that make up its result (see `jobInfoFromHash`). */
export const RESULT_FIELDS = [...FINISHED_FIELDS, "reason"] as const;

/**
 * The first line of a progress message on a finished channel (see
 * scripts/progress.ts): a control character, which no job id holds.
 */
export const PROGRESS_MARK = "\u0001progress";

/**
 * Reads any message of a queue's finished channel: the finished jobs it
 * announces (see {@linkcode parseFinished}), or the progress of one job.
 */
export function parseChannelMessage(queue: string, message: string): QueueStoreEvent[] {
  if (message.startsWith(PROGRESS_MARK + "\n")) {
    const rest = message.slice(PROGRESS_MARK.length + 1);
    const cut = rest.indexOf("\n");
    if (cut < 0) return [];
    return [{
      type: "progress",
      id: rest.slice(0, cut),
      progress: parseJsonOr(rest.slice(cut + 1), null),
    }];
  }
  return parseFinished(queue, message).map(({ id, info }) =>
    info ? { type: "finished", id, info } : { type: "finished", id }
  );
}

/**
 * Reads a finished-channel message: the jobs it announces, each with its
 * finished state when the message carries it (`info` is left out otherwise,
 * and when the message does not have the expected shape). A message is
 * either one job id, or 11 lines per job (see scripts/complete.ts).
 */
export function parseFinished(
  queue: string,
  message: string,
): { id: string; info?: JobInfo }[] {
  if (message.startsWith(PROGRESS_MARK)) return [];
  const parts = message.split("\n");
  const width = FINISHED_FIELDS.length + 1;
  if (parts.length % width !== 0) return [{ id: parts[0] }];
  const out: { id: string; info?: JobInfo }[] = [];
  for (let at = 0; at < parts.length; at += width) {
    const id = parts[at];
    const h: Record<string, string> = {};
    FINISHED_FIELDS.forEach((name, i) => {
      if (parts[at + i + 1] !== "") h[name] = parts[at + i + 1];
    });
    const info = h.status ? jobInfoFromHash(queue, id, h) : null;
    out.push(info?.result ? { id, info } : { id });
  }
  return out;
}

/**
 * A cancel channel's message, `<id>\n<token>` (the `cancel` script): the
 * cancelled job and the lease it was running under.
 */
export function parseCancel(_queue: string, message: string): { id: string; token: string }[] {
  const at = message.lastIndexOf("\n");
  return at < 0 ? [] : [{ id: message.slice(0, at), token: message.slice(at + 1) }];
}
