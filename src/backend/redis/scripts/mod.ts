/**
 * Every Lua script of the Redis backend, one per job transition.
 *
 * @module
 */

import type { Script } from "./common.ts";
import { cancelScript } from "./cancel.ts";
import { completeScript } from "./complete.ts";
import { completeFetchScript } from "./complete_fetch.ts";
import { countsScript } from "./counts.ts";
import { deadLetterScript } from "./dead_letter.ts";
import { enqueueScript } from "./enqueue.ts";
import { enqueueManyScript } from "./enqueue_many.ts";
import { extendScript } from "./extend.ts";
import { fetchScript } from "./fetch.ts";
import { flowLimitsScript } from "./flow_limits.ts";
import { progressScript } from "./progress.ts";
import { jobsPageScript } from "./jobs_page.ts";
import { promoteScript } from "./promote.ts";
import { purgeScript } from "./purge.ts";
import { queuePauseScript } from "./queue_pause.ts";
import { queueResumeScript } from "./queue_resume.ts";
import { removeScript } from "./remove.ts";
import { requeueFinishedScript } from "./requeue_finished.ts";
import { recordAttemptScript } from "./record_attempt.ts";
import { releaseScript } from "./release.ts";
import { requeueScript } from "./requeue.ts";
import { scheduleCancelScript } from "./schedule_cancel.ts";
import { scheduleListScript } from "./schedule_list.ts";
import { scheduleNextScript } from "./schedule_next.ts";
import { schedulePauseScript } from "./schedule_pause.ts";
import { scheduleResumeScript } from "./schedule_resume.ts";
import { scheduleUpsertScript } from "./schedule_upsert.ts";
import { statusesScript } from "./statuses.ts";
import { workerHeartbeatScript } from "./worker_heartbeat.ts";

export type { Script };

/** All scripts, to be defined on a client once. */
export const scripts: readonly Script[] = [
  enqueueScript,
  enqueueManyScript,
  fetchScript,
  completeScript,
  completeFetchScript,
  extendScript,
  recordAttemptScript,
  progressScript,
  releaseScript,
  requeueScript,
  deadLetterScript,
  cancelScript,
  queuePauseScript,
  queueResumeScript,
  scheduleUpsertScript,
  scheduleNextScript,
  schedulePauseScript,
  scheduleResumeScript,
  scheduleCancelScript,
  scheduleListScript,
  statusesScript,
  countsScript,
  jobsPageScript,
  requeueFinishedScript,
  purgeScript,
  promoteScript,
  removeScript,
  workerHeartbeatScript,
  flowLimitsScript,
];
