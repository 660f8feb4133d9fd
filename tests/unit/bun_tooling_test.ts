/** The pure parts of the Bun tooling: `bun test` counts, the totals CI reads, the Bun package. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bunPackageName } from "../../scripts/bun_binary.ts";
import {
  addCounts,
  fileCounts,
  noCounts,
  parseBunSummary,
  specSummary,
} from "../../scripts/bun_test_summary.ts";

const PASSING = `bun test v1.4.5 (a7733435c)

tests/integration/a_test.js:
(pass) suite > works [1.53ms]
(skip) suite > not here

 14 pass
 1 skip
 0 fail
Ran 15 tests across 1 file. [1.76s]
`;

describe("parseBunSummary()", () => {
  it("reads the closing counts of `bun test`", () => {
    assert.deepEqual(parseBunSummary(PASSING), { pass: 14, fail: 0, skip: 1, todo: 0 });
  });

  it("reads counts printed in colour and a single test", () => {
    const coloured = "\x1b[32m 1 pass\x1b[0m\n\x1b[31m 2 fail\x1b[0m\nRan 3 tests across 1 file.\n";
    assert.deepEqual(parseBunSummary(coloured), { pass: 1, fail: 2, skip: 0, todo: 0 });
    const one = " 1 pass\n 0 fail\nRan 1 test across 1 file. [88.00ms]\n";
    assert.equal(parseBunSummary(one)?.pass, 1);
  });

  it("returns null for a run that ended before its summary", () => {
    assert.equal(parseBunSummary("error: Cannot find module\n 3 pass\n"), null);
  });
});

describe("fileCounts()", () => {
  it("counts a crashed run, or a failing exit without a failed test, as one failure", () => {
    assert.deepEqual(fileCounts("Segmentation fault\n", null), { ...noCounts(), fail: 1 });
    assert.deepEqual(fileCounts(PASSING, 1), { pass: 14, fail: 1, skip: 1, todo: 0 });
    assert.deepEqual(fileCounts(PASSING, 0), { pass: 14, fail: 0, skip: 1, todo: 0 });
  });
});

describe("specSummary()", () => {
  it("writes the totals as the lines CI reads from `node --test` (ℹ pass N, ℹ fail N)", () => {
    const total = addCounts(addCounts(noCounts(), parseBunSummary(PASSING)!), {
      pass: 2,
      fail: 1,
      skip: 0,
      todo: 0,
    });
    const lines = specSummary(total).split("\n");
    assert.ok(lines.includes("ℹ pass 16"), lines.join("\n"));
    assert.ok(lines.includes("ℹ fail 1"));
    assert.ok(lines.includes("ℹ skipped 1"));
    assert.ok(lines.includes("ℹ tests 18"));
  });
});

describe("bunPackageName()", () => {
  it("names the @oven package that ships Bun for the platform", () => {
    assert.equal(bunPackageName("linux", "x64"), "@oven/bun-linux-x64");
    assert.equal(bunPackageName("darwin", "arm64"), "@oven/bun-darwin-aarch64");
  });
});
