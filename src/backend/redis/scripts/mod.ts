/**
 * Every Lua script of the Redis backend, one per job transition.
 *
 * @module
 */

import type { Script } from "./common.ts";
import { completeScript } from "./complete.ts";
import { deadLetterScript } from "./dead_letter.ts";
import { enqueueScript } from "./enqueue.ts";
import { extendScript } from "./extend.ts";
import { fetchScript } from "./fetch.ts";
import { recordAttemptScript } from "./record_attempt.ts";
import { releaseScript } from "./release.ts";
import { requeueScript } from "./requeue.ts";

export type { Script };

/** All scripts, to be defined on a client once. */
export const scripts: readonly Script[] = [
  enqueueScript,
  fetchScript,
  completeScript,
  extendScript,
  recordAttemptScript,
  releaseScript,
  requeueScript,
  deadLetterScript,
];
