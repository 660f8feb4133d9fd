/**
 * Every Lua script of the Redis backend, one per job transition.
 *
 * @module
 */
import { completeScript } from "./complete.js";
import { deadLetterScript } from "./dead_letter.js";
import { enqueueScript } from "./enqueue.js";
import { enqueueManyScript } from "./enqueue_many.js";
import { extendScript } from "./extend.js";
import { fetchScript } from "./fetch.js";
import { recordAttemptScript } from "./record_attempt.js";
import { releaseScript } from "./release.js";
import { requeueScript } from "./requeue.js";
import { scheduleCancelScript } from "./schedule_cancel.js";
import { scheduleListScript } from "./schedule_list.js";
import { scheduleNextScript } from "./schedule_next.js";
import { schedulePauseScript } from "./schedule_pause.js";
import { scheduleResumeScript } from "./schedule_resume.js";
import { scheduleUpsertScript } from "./schedule_upsert.js";
/** All scripts, to be defined on a client once. */
export const scripts = [
    enqueueScript,
    enqueueManyScript,
    fetchScript,
    completeScript,
    extendScript,
    recordAttemptScript,
    releaseScript,
    requeueScript,
    deadLetterScript,
    scheduleUpsertScript,
    scheduleNextScript,
    schedulePauseScript,
    scheduleResumeScript,
    scheduleCancelScript,
    scheduleListScript,
];
