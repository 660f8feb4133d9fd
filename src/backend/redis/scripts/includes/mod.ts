/**
 * The Lua fragments that scripts include with `--- @include <name>` (see
 * `../include.ts`), by name.
 *
 * @module
 */

import { ANNOUNCE } from "./announce.ts";
import { CALL_MANY } from "./call_many.ts";
import { DEAD_LETTER } from "./dead_letter.ts";
import { FLOW } from "./flow.ts";
import { FINISH_JOB } from "./finish_job.ts";
import { LEASE } from "./lease.ts";
import { NEW_JOB } from "./new_job.ts";
import { SIGNAL_WORK } from "./signal_work.ts";

/**
 * Every fragment by its include name.
 *
 * @example
 * ```ts
 * import { FRAGMENTS } from "./mod.ts";
 *
 * console.log(Object.keys(FRAGMENTS)); // [ "announce", "call_many", "dead_letter", "finish_job", "flow", "lease", "new_job", "signal_work" ]
 * ```
 */
export const FRAGMENTS: Readonly<Record<string, string>> = {
  announce: ANNOUNCE,
  call_many: CALL_MANY,
  dead_letter: DEAD_LETTER,
  finish_job: FINISH_JOB,
  flow: FLOW,
  lease: LEASE,
  new_job: NEW_JOB,
  signal_work: SIGNAL_WORK,
};
