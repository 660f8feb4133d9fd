/** The data structures of the in-memory backend: a Redis LIST and ZSET in miniature. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Deque } from "../../src/backend/memory/deque.ts";
import { SortedSet } from "../../src/backend/memory/sorted_set.ts";

describe("Deque", () => {
  it("`Deque` pops in FIFO order across growth, with pushes at both ends", () => {
    const d = new Deque<number>();
    for (let i = 0; i < 40; i++) d.pushBack(i);
    d.pushFront(-1);
    d.pushFront(-2);
    assert.equal(d.length, 42);
    const out: number[] = [];
    for (let x = d.popFront(); x !== undefined; x = d.popFront()) out.push(x);
    assert.deepEqual(out, [-2, -1, ...Array(40).keys()]);
    assert.equal(d.popFront(), undefined);
  });

  it("`Deque.remove()` removes every copy of an item and keeps the order", () => {
    const d = new Deque<string>();
    for (const x of ["a", "b", "a", "c"]) d.pushBack(x);
    assert.equal(d.remove("a"), 2);
    assert.deepEqual([...d], ["b", "c"]);
    assert.equal(d.remove("z"), 0);
  });
});

describe("SortedSet", () => {
  it("`SortedSet` orders by score, then by member, and moves a re-added member", () => {
    const z = new SortedSet();
    z.add("b", 2);
    z.add("a", 2);
    z.add("c", 1);
    z.add("d", 5);
    assert.deepEqual([...z], ["c", "a", "b", "d"]);
    z.add("c", 3);
    assert.deepEqual([...z], ["a", "b", "c", "d"]);
    assert.equal(z.score("c"), 3);
    assert.deepEqual(z.first(), { member: "a", score: 2 });
  });

  it("`SortedSet` ranges, counts and removes up to a score", () => {
    const z = new SortedSet();
    for (let i = 0; i < 3000; i++) z.add(`m${String(i).padStart(4, "0")}`, i);
    assert.deepEqual(z.rangeTo(2, 10), ["m0000", "m0001", "m0002"]);
    assert.deepEqual(z.rangeTo(2000, 2), ["m0000", "m0001"]);
    assert.equal(z.countTo(99), 100);
    assert.equal(z.removeTo(1999), 2000);
    assert.equal(z.size, 1000);
    assert.equal(z.remove("m2500"), true);
    assert.equal(z.remove("m2500"), false);
    assert.equal(z.first()?.member, "m2000");
    assert.equal(z.countTo(Infinity), 999);
  });
});
