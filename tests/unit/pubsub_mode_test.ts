import assert from "node:assert/strict";
import { test } from "node:test";
import { scripts } from "../../src/backend/redis/scripts/mod.ts";
import { publishes, shardedVariant } from "../../src/backend/redis/pubsub_mode.ts";

test("every script that announces finished jobs or wakes workers has a sharded variant using SPUBLISH only", () => {
  const publishing = scripts.filter(publishes).map((s) => s.name).sort();
  assert.deepEqual(publishing, [
    "repidCancel",
    "repidComplete",
    "repidCompleteFetch",
    "repidDeadLetter",
    "repidEnqueue",
    "repidEnqueueMany",
    "repidFetch",
    "repidFlowLimits",
    "repidProgress",
    "repidPromote",
    "repidQueueResume",
    "repidRecordAttempt",
    "repidRelease",
    "repidRemove",
    "repidRequeue",
    "repidRequeueFinished",
    "repidScheduleCancel",
    "repidScheduleNext",
    "repidSchedulePause",
    "repidScheduleResume",
    "repidScheduleUpsert",
  ]);
  for (const s of scripts) {
    const v = shardedVariant(s);
    assert.doesNotMatch(v.lua, /['"]PUBLISH['"]/i, `${s.name}: no PUBLISH left`);
    if (publishes(s)) assert.match(v.lua, /'SPUBLISH'/, `${s.name}: SPUBLISH`);
    // A script that publishes in a form the variant does not rewrite would be caught here.
    if (!publishes(s)) assert.doesNotMatch(s.lua, /PUBLISH/i, `${s.name}: publishes unnoticed`);
  }
});

test("every script that calls `signal_work` includes its fragment (which also publishes the wake-up)", () => {
  for (const s of scripts) {
    if (/signal_work\(KEYS|signal_work\(signal/.test(s.lua)) {
      assert.match(s.lua, /local function signal_work/, `${s.name} lacks --- @include signal_work`);
    }
  }
});
