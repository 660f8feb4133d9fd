/**
 * What a command acts on, read from its command line and checked by the
 * library's own rules before anything is sent: a job (`<id> --queue Q`) or a
 * queue (`<queue>`).
 *
 * @module
 */

import { assertJobId, assertName } from "../core/names.ts";
import { onePositional } from "./command.ts";
import type { CommandLine, OptionSpec } from "./command_line.ts";

/** `--queue Q`, the queue of the job a command acts on. */
export const JOB_QUEUE_OPTION: OptionSpec = {
  flag: "--queue",
  value: "Q",
  help: "The job's queue (default: default)",
};

/** A job, by its id and queue. */
export interface JobTarget {
  /** The job's id. */
  id: string;
  /** Its queue. */
  queue: string;
}

/**
 * The job `<id> [--queue Q]` names; throws a `UsageError` without exactly one
 * id, a `TypeError` (exit code 2) for an id or queue name the library refuses.
 *
 * @example
 * ```ts ignore
 * jobTarget(line, "Cannot cancel job"); // { id: "j1", queue: "emails" }
 * ```
 */
export function jobTarget(line: CommandLine, action: string): JobTarget {
  const id = assertJobId(onePositional(line, "job id"), action);
  const queue = assertName("queue", line.last(JOB_QUEUE_OPTION.flag)?.value ?? "default", action);
  return { id, queue };
}

/**
 * The queue `<queue>` names; throws a `UsageError` without exactly one, a
 * `TypeError` (exit code 2) for a name the library refuses.
 *
 * @example
 * ```ts ignore
 * queueTarget(line, "Cannot pause queue"); // "emails"
 * ```
 */
export function queueTarget(line: CommandLine, action: string): string {
  return assertName("queue", onePositional(line, "queue"), action);
}
