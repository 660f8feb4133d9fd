/**
 * `deno task test:bun`: runs the behavioural tests on Bun against the BUILT
 * npm package, as `deno task test:node` does on Node, then uses the packed
 * package as a Bun user would.
 *
 * 1. Stages and compiles the same test files as the Node run
 *    (`withStagedTests` of `test_node.ts`: `tests/integration/` importing
 *    `"repid"`, the Deno-only files left out).
 * 2. Runs each file in its own `bun test` process (Bun runs `node:test`
 *    suites only under its test runner, not with `bun file.js`), one after
 *    the other, as `node --test` isolates files.
 * 3. `npm_pack_check.ts --bun`: `bun add <tarball>`, the examples with `bun`,
 *    `bunx --bun repid worker` serving a job and stopping on SIGTERM;
 *    counted as one test (skipped with `--no-pack`, or when test file
 *    filters are given).
 * 4. Ends with the totals as `node --test`'s spec reporter prints them
 *    (`ℹ pass N`, `ℹ fail N`), which CI adds up.
 *
 * Bun is the binary of the npm package pinned in `scripts/bun/package.json`
 * (see `bun_binary.ts`). Usage:
 * `deno task test:bun [--no-build] [--keep] [--no-pack] [test file name filter…]`.
 *
 * @module
 */

import { spawn } from "node:child_process";
import process from "node:process";
import { BuildError } from "./build_npm.ts";
import { bunPath, bunVersion } from "./bun_binary.ts";
import {
  addCounts,
  fileCounts,
  noCounts,
  specSummary,
  type TestCounts,
} from "./bun_test_summary.ts";
import { npmPackCheck } from "./npm_pack_check.ts";
import { withStagedTests } from "./test_node.ts";

/** `bun test`'s time limit per test, as `--test-timeout` of the Node run. */
const TEST_TIMEOUT_MS = 120_000;
/** A failure guard per file, not a timing assertion. */
const FILE_LIMIT_MS = 10 * 60_000;

/** Runs one file with `bun test`, echoing its output; resolves with its counts. */
function runFile(bun: string, stage: string, file: string): Promise<TestCounts> {
  console.log(`\n▶ bun test ${file}`);
  return new Promise((resolve, reject) => {
    const child = spawn(bun, ["test", "--timeout", String(TEST_TIMEOUT_MS), `./${file}`], {
      cwd: stage,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let output = "";
    const decoder = new TextDecoder();
    const echo = (to: { write(chunk: Uint8Array): unknown }) => (chunk: Uint8Array) => {
      output += decoder.decode(chunk, { stream: true });
      to.write(chunk);
    };
    child.stdout.on("data", echo(process.stdout));
    child.stderr.on("data", echo(process.stderr));
    const guard = setTimeout(() => {
      console.error(`✖ ${file}: still running after ${FILE_LIMIT_MS} ms, killed`);
      child.kill("SIGKILL");
    }, FILE_LIMIT_MS);
    child.on("error", (error) => {
      clearTimeout(guard);
      reject(new BuildError(`bun test ${file}: ${error.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve(fileCounts(output, code));
    });
  });
}

/** The packed-package check on Bun, as one test. */
function packCheck(args: string[]): TestCounts {
  const name = "npm package on Bun: bun add, bun example.mjs/.cjs, bunx --bun repid worker";
  console.log(`\n▶ ${name}`);
  try {
    npmPackCheck(["--bun", ...args.filter((a) => a === "--no-build" || a === "--keep")]);
    console.log(`✔ ${name}`);
    return { ...noCounts(), pass: 1 };
  } catch (error) {
    console.error(`✖ ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return { ...noCounts(), fail: 1 };
  }
}

/** Runs the whole Bun run; returns the exit code (1 when a test failed). */
export async function testBun(args: string[]): Promise<number> {
  const bun = bunPath();
  console.log(`bun ${bunVersion(bun)} (${bun})`);
  const total = noCounts();
  await withStagedTests(args, async ({ stage, files }) => {
    for (const file of files) addCounts(total, await runFile(bun, stage, file));
    return 0;
  });
  const filtered = args.some((a) => !a.startsWith("--"));
  if (!filtered && !args.includes("--no-pack")) addCounts(total, packCheck(args));
  console.log(`\n${specSummary(total)}`);
  return total.fail === 0 ? 0 : 1;
}

if (import.meta.main) {
  try {
    process.exit(await testBun(process.argv.slice(2)));
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
