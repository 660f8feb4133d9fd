import assert from "node:assert/strict";
import { test } from "node:test";
import { scripts } from "../../src/backend/redis/scripts/mod.ts";
import {
  touchesUndeclaredKeys,
  UNDECLARED_KEYS_FLAG,
  withStoreFlags,
} from "../../src/backend/redis/script_flags.ts";

test("the scripts that build keys from a declared prefix carry Dragonfly's allow-undeclared-keys flag", () => {
  const undeclared = scripts.filter(touchesUndeclaredKeys).map((s) => s.name).sort();
  // The README's "Redis Cluster and Sentinel" section names these.
  assert.deepEqual(undeclared, [
    "repidCancel",
    "repidComplete",
    "repidCompleteFetch",
    "repidCounts",
    "repidDeadLetter",
    "repidEnqueue",
    "repidEnqueueMany",
    "repidExtend",
    "repidFetch",
    "repidJobsPage",
    "repidPurge",
    "repidRecordAttempt",
    "repidRelease",
    "repidRemove",
    "repidRequeue",
    "repidRequeueFinished",
    "repidScheduleCancel",
    "repidScheduleList",
    "repidScheduleNext",
    "repidSchedulePause",
    "repidScheduleResume",
    "repidScheduleUpsert",
    "repidStatuses",
  ]);
  for (const s of scripts) {
    const sent = withStoreFlags(s);
    const shebang = s.lua.startsWith("#!") ? s.lua.slice(0, s.lua.indexOf("\n") + 1) : "";
    assert.ok(sent.lua.startsWith(shebang), `${s.name}: its #!lua line stays first`);
    assert.equal(
      sent.lua.slice(shebang.length).startsWith(UNDECLARED_KEYS_FLAG + "\n"),
      undeclared.includes(s.name),
      s.name,
    );
  }
});
