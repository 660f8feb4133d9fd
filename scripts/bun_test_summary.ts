/**
 * Reading `bun test`'s closing counts and writing the totals of a Bun run in
 * the closing lines of `node --test --test-reporter=spec` (`ℹ pass 12`), which
 * CI adds to its totals (`node_counts` in `.ci/run`). Pure logic, no I/O.
 *
 * @module
 */

/** The counts of a test run. */
export interface TestCounts {
  /** Tests that passed. */
  pass: number;
  /** Tests that failed (a file that crashed counts as one). */
  fail: number;
  /** Tests skipped. */
  skip: number;
  /** Tests marked todo. */
  todo: number;
}

/** No tests yet. */
export function noCounts(): TestCounts {
  return { pass: 0, fail: 0, skip: 0, todo: 0 };
}

// deno-lint-ignore no-control-regex
const COLOUR = /\x1b\[[0-9;]*m/g;

/**
 * The counts of `bun test`'s closing lines (` 14 pass`, ` 1 skip`, ` 0 fail`,
 * `Ran 15 tests across 1 file.`), or `null` when the output has no
 * `Ran … tests` line (the run ended before its summary).
 */
export function parseBunSummary(output: string): TestCounts | null {
  const text = output.replace(COLOUR, "");
  if (!/^Ran \d+ tests? across/m.test(text)) return null;
  const counts = noCounts();
  for (const key of ["pass", "fail", "skip", "todo"] as const) {
    const lines = [...text.matchAll(new RegExp(`^ *(\\d+) ${key}$`, "gm"))];
    const last = lines.at(-1);
    if (last) counts[key] = Number(last[1]);
  }
  return counts;
}

/**
 * The counts of one `bun test` process: its summary, with a crash or a
 * failing exit code without a failed test counted as one failure.
 */
export function fileCounts(output: string, exitCode: number | null): TestCounts {
  const counts = parseBunSummary(output) ?? noCounts();
  if (exitCode !== 0 && counts.fail === 0) counts.fail = 1;
  return counts;
}

/** Adds `more` into `total`. */
export function addCounts(total: TestCounts, more: TestCounts): TestCounts {
  total.pass += more.pass;
  total.fail += more.fail;
  total.skip += more.skip;
  total.todo += more.todo;
  return total;
}

/** The closing lines in the spec reporter's format, one per count. */
export function specSummary(counts: TestCounts): string {
  const tests = counts.pass + counts.fail + counts.skip + counts.todo;
  return [
    `ℹ tests ${tests}`,
    `ℹ pass ${counts.pass}`,
    `ℹ fail ${counts.fail}`,
    `ℹ skipped ${counts.skip}`,
    `ℹ todo ${counts.todo}`,
  ].join("\n");
}
