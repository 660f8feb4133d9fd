/** The partition names of a partitioned queue, and which partition a key goes to. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  assertPartitions,
  logicalQueue,
  partitionIndex,
  partitionOfKey,
  partitionQueues,
} from "../../src/core/partitions.ts";
import { keySlot } from "../../src/backend/redis/key_slot.ts";
import { assertName } from "../../src/core/names.ts";

describe("partitionQueues()", () => {
  it("partition 0 is the queue itself, partition i is `queue#i…`, and no partition name is a valid queue name", () => {
    const names = partitionQueues("emails", 8);
    assert.equal(names.length, 8);
    assert.equal(names[0], "emails");
    for (const [i, name] of names.entries()) {
      assert.equal(logicalQueue(name), "emails");
      assert.equal(partitionIndex(name), i);
      if (i > 0) {
        assert.match(name, new RegExp(`^emails#${i}(~\\d+)?$`));
        assert.throws(() => assertName("queue", name, "x"), /malformed/);
      }
    }
    assert.deepEqual(partitionQueues("emails", 1), ["emails"]);
  });

  it("puts the n partitions in the n equal ranges of slots, one each", () => {
    for (const n of [2, 3, 6, 16, 256]) {
      // Range i starts at slot round(i × 16384 / n), as redis-cli rounds its masters' ranges.
      const rangeOf = (slot: number) => {
        let i = 0;
        while (i + 1 < n && Math.round(((i + 1) * 16384) / n) <= slot) i++;
        return i;
      };
      const ranges = partitionQueues("orders", n).map((name) => rangeOf(keySlot(`{${name}}`)));
      assert.equal(new Set(ranges).size, n, `n=${n}: ${ranges}`);
    }
  });

  it("gives 2 partitions to each of 3 masters serving equal slot ranges, for partitions: 6", () => {
    const masterOf = (slot: number) => slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2;
    for (const queue of ["hot", "emails", "a"]) {
      const perMaster = [0, 0, 0];
      for (const name of partitionQueues(queue, 6)) perMaster[masterOf(keySlot(`{${name}}`))]++;
      assert.deepEqual(perMaster, [2, 2, 2], queue);
    }
  });
});

describe("partitionOfKey()", () => {
  it("maps one key to one partition and spreads many keys over all of them", () => {
    assert.equal(partitionOfKey("customer-7", 5), partitionOfKey("customer-7", 5));
    const hits = new Array(5).fill(0);
    for (let i = 0; i < 1000; i++) hits[partitionOfKey(`customer-${i}`, 5)]++;
    for (const h of hits) assert.ok(h > 120 && h < 280, JSON.stringify(hits));
  });
});

describe("assertPartitions()", () => {
  it("takes integers from 1 to 256 and names the value otherwise", () => {
    assert.equal(assertPartitions(1, "x"), 1);
    assert.equal(assertPartitions(256, "x"), 256);
    assert.throws(() => assertPartitions(257, "Cannot go"), {
      name: "RangeError",
      message: "Cannot go: partitions must be an integer from 1 to 256, got 257",
    });
    assert.throws(() => assertPartitions("2", "Cannot go"), /got string/);
  });
});
