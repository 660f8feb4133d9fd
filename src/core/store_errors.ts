/**
 * The reasons, error names and messages a store writes into the jobs it
 * dead-letters, in one place: the Lua scripts get them substituted into
 * their source (messages as templates) and the memory store and the worker
 * import them, so that a caller sees the same error on every store.
 *
 * @module
 */

import type { JobError } from "./job.ts";
import { JobCancelledError } from "../errors.ts";

/**
 * Why a job was dead-lettered, as stored in its `reason` field.
 *
 * @example
 * ```ts
 * import { REASON } from "./store_errors.ts";
 *
 * console.log(REASON.unknownActor); // "unknown_actor"
 * ```
 */
export const REASON = {
  /** The job's data cannot be run: no data, bad arguments, a name no actor can have. */
  malformed: "malformed",
  /** The job's lease expired more than `maxStalls` times. */
  stalled: "stalled",
  /** No worker had the job's actor within `unknownActorLimit` deliveries. */
  unknownActor: "unknown_actor",
  /** The job was not started before its `expiresAt`. */
  expired: "expired",
} as const;

/**
 * The `name` of the error stored with a dead-lettered job.
 *
 * @example
 * ```ts
 * import { ERROR_NAME } from "./store_errors.ts";
 *
 * console.log(ERROR_NAME.malformed); // "MalformedJobError"
 * ```
 */
export const ERROR_NAME = {
  /** With reason `malformed`. */
  malformed: "MalformedJobError",
  /** With reason `stalled`. */
  stalled: "StalledJobError",
  /** At a delivery limit (reason `unknown_actor`). */
  deliveryLimit: "DeadLetterError",
  /** With reason `expired`. */
  expired: "JobExpiredError",
} as const;

/**
 * The messages of the stores' errors, as templates: `{name}` stands for a
 * value. {@linkcode formatMessage} fills one in TypeScript; the Redis
 * scripts turn one into a Lua expression (`luaMessage`).
 *
 * @example
 * ```ts
 * import { formatMessage, MESSAGE } from "./store_errors.ts";
 *
 * console.log(formatMessage(MESSAGE.noJobData, { id: "j1" })); // queue entry "j1" has no job data
 * ```
 */
export const MESSAGE = {
  /** A queue entry too long to be a job id. */
  entryTooLong: "queue entry is {bytes} bytes long, not a job id",
  /** The key of a queue entry holds something else than a job. */
  notAHash: 'the job key of queue entry "{id}" is not a hash',
  /** A queue entry whose job is gone. */
  noJobData: 'queue entry "{id}" has no job data',
  /** A job whose stored status is none of the statuses. */
  unknownStatus: 'job "{id}" has an unknown status "{status}"',
  /** A job whose id is longer than a job id may be (written by an older version or by hand). */
  idTooLong: 'job id "{id}..." is {bytes} bytes long, expected at most {max} bytes',
  /** A job without its actor or its arguments. */
  lacksActorOrArgs: 'job "{id}" lacks its actor or arguments',
  /** Reason `stalled`. */
  stalled: "Lease expired {stalls} times: the job stalled or killed its worker each time",
  /** At a delivery limit. */
  deliveryLimit: "Dead-lettered ({reason}) after {deliveries} deliveries",
  /** Reason `expired`. */
  expired: "Not started before it expired at {at} (epoch ms)",
  /** A schedule moved on to a time that is not later. */
  nextNotAfter: "ERR next occurrence {next} is not after {at}",
} as const;

/**
 * Fills in a message template of {@linkcode MESSAGE}.
 *
 * @example
 * ```ts
 * import { formatMessage, MESSAGE } from "./store_errors.ts";
 *
 * console.log(formatMessage(MESSAGE.stalled, { stalls: 3 }));
 * ```
 */
export function formatMessage(
  template: string,
  values: Record<string, string | number>,
): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new RangeError(`Cannot format message: no value for {${name}}`);
    return String(values[name]);
  });
}

/**
 * The error stored with a job dead-lettered as malformed.
 *
 * @example
 * ```ts
 * import { malformedError } from "./store_errors.ts";
 *
 * console.log(malformedError("bad arguments").name); // "MalformedJobError"
 * ```
 */
export function malformedError(message: string): JobError {
  return { name: ERROR_NAME.malformed, message };
}

/**
 * The error stored with a job dead-lettered after `maxDeliveries` deliveries.
 *
 * @example
 * ```ts
 * import { deliveryLimitError } from "./store_errors.ts";
 *
 * console.log(deliveryLimitError("unknown_actor", 3).message);
 * ```
 */
export function deliveryLimitError(reason: string, maxDeliveries: number): JobError {
  return {
    name: ERROR_NAME.deliveryLimit,
    message: formatMessage(MESSAGE.deliveryLimit, { reason, deliveries: maxDeliveries }),
  };
}

/**
 * The error stored with a job dead-lettered as `stalled`: its lease expired
 * `stalls` times.
 *
 * @example
 * ```ts
 * import { stalledError } from "./store_errors.ts";
 *
 * console.log(stalledError(3).name); // "StalledJobError"
 * ```
 */
export function stalledError(stalls: number): JobError {
  return { name: ERROR_NAME.stalled, message: formatMessage(MESSAGE.stalled, { stalls }) };
}

/**
 * The error stored with a cancelled job: the name and message of the
 * `JobCancelledError` that its run's signal aborts with (no stack: it was
 * raised by whoever cancelled it, not by the job).
 *
 * @example
 * ```ts
 * import { cancelledError } from "./store_errors.ts";
 *
 * console.log(cancelledError("job-1").name); // "JobCancelledError"
 * ```
 */
export function cancelledError(id: string): JobError {
  const error = new JobCancelledError(id);
  return { name: error.name, message: error.message };
}

/**
 * The error stored with a job dead-lettered as `expired`: it was not started
 * before `expiresAt` (epoch ms).
 *
 * @example
 * ```ts
 * import { expiredError } from "./store_errors.ts";
 *
 * console.log(expiredError(5).name); // "JobExpiredError"
 * ```
 */
export function expiredError(expiresAt: number): JobError {
  return { name: ERROR_NAME.expired, message: formatMessage(MESSAGE.expired, { at: expiresAt }) };
}
