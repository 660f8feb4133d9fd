import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { jsonKeys, jsonProblem, stringifyJson, toJson, writeJson } from "../../src/core/json.ts";

describe("jsonProblem()", () => {
  it("accepts plain JSON values", () => {
    for (const v of [null, true, 0, -1.5, "", "x", [], [1, [2, { a: null }]], { a: { b: [] } }]) {
      assert.equal(jsonProblem(v, "args"), null, JSON.stringify(v));
    }
    assert.equal(jsonProblem(Object.create(null), "args"), null);
  });

  it("drops undefined object properties as JSON.stringify does", () => {
    assert.equal(jsonProblem({ a: undefined, b: 1 }, "args"), null);
  });

  it("names the path of a function, BigInt, symbol, NaN or Infinity", () => {
    const cases: [unknown, RegExp][] = [
      [[1, { fn: () => 1 }], /^args\[1\]\.fn is a function/],
      [[{ n: 10n }], /^args\[0\]\.n is a BigInt/],
      [[Symbol("s")], /^args\[0\] is a symbol/],
      [[{ deep: [0, NaN] }], /^args\[0\]\.deep\[1\] is NaN/],
      [[Infinity], /^args\[0\] is Infinity/],
      [[-Infinity], /^args\[0\] is -Infinity/],
      [[{ "a key": undefined, b: [undefined] }], /^args\[0\]\.b\[0\] is undefined/],
      [[{ "odd key": 1n }], /^args\[0\]\["odd key"\] is a BigInt/],
    ];
    for (const [value, pattern] of cases) assert.match(jsonProblem(value, "args") ?? "", pattern);
  });

  it("refuses cycles, holes and class instances", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    assert.match(jsonProblem([cyclic], "args") ?? "", /^args\[0\]\.self refers back to itself/);
    // deno-lint-ignore no-sparse-arrays
    assert.match(jsonProblem([1, , 3], "args") ?? "", /^args\[1\] is a hole/);
    assert.match(jsonProblem([new Date()], "args") ?? "", /^args\[0\] is a Date instance/);
    assert.match(jsonProblem([new Map()], "args") ?? "", /^args\[0\] is a Map instance/);
  });

  it("checks values nested 10,000 deep without exhausting the call stack", () => {
    let arr: unknown = 0;
    let obj: unknown = "x";
    for (let i = 0; i < 10_000; i++) {
      arr = [arr];
      obj = { k: obj };
    }
    assert.equal(jsonProblem(arr, "args"), null);
    assert.equal(jsonProblem(obj, "result"), null);
    let bad: unknown = Symbol("s");
    for (let i = 0; i < 10_000; i++) bad = { k: [bad] };
    assert.equal(
      jsonProblem(bad, "args"),
      `args${".k[0]".repeat(10_000)} is a symbol, which JSON cannot hold`,
    );
    const deepCycle: Record<string, unknown> = {};
    let cur = deepCycle;
    for (let i = 0; i < 10_000; i++) cur = (cur.k = {}) as Record<string, unknown>;
    cur.back = deepCycle;
    assert.match(jsonProblem(deepCycle, "args") ?? "", /\.back refers back to itself/);
  });

  it("accepts the same object twice when it is not a cycle", () => {
    const shared = { x: 1 };
    assert.equal(jsonProblem([shared, shared, { shared }], "args"), null);
  });
});

describe("toJson()", () => {
  it("returns JSON text or throws a TypeError starting with the action", () => {
    assert.equal(toJson([1, "a"], "args", "Cannot enqueue job"), '[1,"a"]');
    assert.throws(
      () => toJson([() => 1], "args", "Cannot enqueue job"),
      (e: Error) => e instanceof TypeError && e.message.startsWith("Cannot enqueue job: args[0]"),
    );
  });
});

describe("stringifyJson()", () => {
  it("writes what JSON.stringify writes, also where the native one runs out of stack", () => {
    const samples: unknown[] = [
      null,
      -0,
      1e21,
      'é\u2028"\n',
      [],
      { b: 1, a: [null, true, { "": "x", "2": 0, "1": 1 }], u: undefined },
    ];
    for (const v of samples) {
      assert.equal(stringifyJson(v), JSON.stringify(v));
      assert.equal(writeJson(v, jsonKeys), JSON.stringify(v), "the iterative writer agrees");
    }
    let deep: unknown = { leaf: [1, "two"] };
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep, i] : { k: deep, i };
    const text = stringifyJson(deep);
    assert.ok(text.startsWith('[{"k":[{"k":['), text.slice(0, 20));
    assert.ok(text.endsWith('"i":99998},99999]'), text.slice(-20));
    assert.ok(text.includes('{"k":{"leaf":[1,"two"]},"i":0}'), "the innermost level");
    assert.equal(text.length, writeJson(deep, jsonKeys).length);
  });
});
