import assert from "node:assert/strict";
import { test } from "node:test";
import { scripts } from "../../src/backend/redis/scripts/mod.ts";
import { publishes, shardedVariant } from "../../src/backend/redis/pubsub_mode.ts";

test("every script that announces finished jobs has a sharded variant using SPUBLISH only", () => {
  const publishing = scripts.filter(publishes).map((s) => s.name).sort();
  assert.deepEqual(publishing, [
    "repidCancel",
    "repidComplete",
    "repidCompleteFetch",
    "repidDeadLetter",
    "repidFetch",
    "repidRequeue",
  ]);
  for (const s of scripts) {
    const v = shardedVariant(s);
    assert.doesNotMatch(v.lua, /['"]PUBLISH['"]/i, `${s.name}: no PUBLISH left`);
    if (publishes(s)) assert.match(v.lua, /'SPUBLISH'/, `${s.name}: SPUBLISH`);
    // A script that publishes in a form the variant does not rewrite would be caught here.
    if (!publishes(s)) assert.doesNotMatch(s.lua, /PUBLISH/i, `${s.name}: publishes unnoticed`);
  }
});
