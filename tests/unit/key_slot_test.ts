import assert from "node:assert/strict";
import { test } from "node:test";
import { keySlot } from "../../src/backend/redis/key_slot.ts";

test("`keySlot()` gives Redis' slot of a key, using the hash tag when there is one", () => {
  // Values from CLUSTER KEYSLOT on Redis 7.0.
  assert.equal(keySlot("foo"), 12182);
  assert.equal(keySlot("123456789"), 12739);
  assert.equal(keySlot("repid:{default}:finished"), keySlot("default"));
  assert.equal(keySlot("a{}b"), keySlot("a{}b"));
  assert.equal(keySlot("{user1000}.following"), keySlot("user1000"));
});
