/**
 * `deno task test:node`: runs the behavioural tests on Node (`node --test`)
 * against the BUILT npm package in `npm/`, not against the TypeScript sources.
 *
 * 1. Builds the package into this run's own folder `.npm-test/run-…/`
 *    (with `--no-build`, e.g. in CI right after `deno task build:npm`, it
 *    uses `npm/` instead).
 * 2. Copies `tests/integration/` (with its fixtures) and `tests/support/`
 *    into the run's folder, leaving out the Deno-only files of `DENO_ONLY`, with
 *    `../../mod.ts` imports turned into `"repid"` (see `npm_test_sources.ts`),
 *    the package being the run's `node_modules/repid`.
 * 3. Compiles the copies with `tsc` (type-checking them against the
 *    package's `.d.ts`), then runs `node --test` on the `*_test.js` files.
 *
 * Usage: `deno task test:node [--no-build] [--keep] [test file name filter…]`.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import {
  BuildError,
  buildNpm,
  NPM_DIR,
  PACKAGE_NAME,
  readJson,
  ROOT,
  runNode,
  TSC_OPTIONS,
  tscPath,
  tsFiles,
} from "./build_npm.ts";
import { type DenoConfig, denoExports } from "./npm_manifest.ts";
import { rewriteTestSource } from "./npm_test_sources.ts";

/** Where test runs are staged, one folder per run (git-ignored). */
export const STAGE_ROOT: string = join(ROOT, ".npm-test");

/** The folders whose tests run on Node. */
export const NODE_TEST_DIRS: readonly string[] = ["tests/integration"];

/** What the tests import besides themselves. */
export const SUPPORT_DIRS: readonly string[] = ["tests/support"];

/**
 * Test files that exercise Deno itself and are left out of the Node run,
 * each with the reason.
 */
export const DENO_ONLY: Readonly<Record<string, string>> = {
  "tests/integration/cli_test.ts":
    "runs `deno task worker` subprocesses; the npm bin is checked by test:npm-pack",
  "tests/integration/examples_test.ts": "runs the .ts examples with `deno run`",
  "tests/integration/cli_metrics_test.ts":
    "runs `repid worker --metrics-port` with `deno run`; worker_metrics_test.ts runs on Node",
  "tests/integration/cli_dashboard_test.ts":
    "runs `repid dashboard` with `deno run`; the npm bin is checked by test:npm-pack",
  "tests/integration/cli_commands_test.ts":
    "runs `repid <command>` with `deno run` and `deno task`; the npm bin is checked by test:npm-pack",
  "tests/integration/cli_operate_test.ts":
    "runs `repid <command>` with `deno run`; the npm bin is checked by test:npm-pack",
  "tests/integration/cli_signals_test.ts":
    "runs `repid worker` with `deno run` under a signal-forwarding parent",
  "tests/integration/no_deno_on_path_test.ts":
    "checks that Deno's own test runs never start a `deno` from the PATH",
  "tests/unit/check_docs_test.ts": "runs scripts/check_docs.ts, which drives `deno doc`",
  "tests/unit/store_rules_test.ts": "reads the TypeScript sources of src/, which npm does not ship",
  "tests/integration/threads_node_test.ts":
    "drives Node from Deno (`deno bundle`); on Node, threads_test.ts covers worker_threads",
};

/** A failure guard for the whole `node --test` run, not a timing assertion. */
const RUN_LIMIT_MS = 30 * 60_000;

function nodeVersion(): string {
  const run = spawnSync("node", ["--version"], { encoding: "utf8" });
  if (run.error || run.status !== 0) throw new BuildError("Cannot run node: is Node 20+ on PATH?");
  const version = run.stdout.trim();
  const major = Number(/^v(\d+)/.exec(version)?.[1]);
  if (!(major >= 20)) throw new BuildError(`Node ${version} is too old: the package needs 20+`);
  return version;
}

/** The exported modules and their npm specifiers (`testing.ts` → `repid/testing`). */
function npmEntries(deno: DenoConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(denoExports(deno)).map(([subpath, module]) => [
      module.replace(/^\.\//, ""),
      subpath === "." ? PACKAGE_NAME : `${PACKAGE_NAME}/${subpath.replace(/^\.\//, "")}`,
    ]),
  );
}

/**
 * Stages and compiles the tests in `stage`, whose `node_modules/repid` must
 * hold (or link to) the built package; returns the `*_test.js` files to run.
 */
export function stageTests(stage: string, filters: string[] = []): string[] {
  writeFileSync(
    join(stage, "package.json"),
    `${JSON.stringify({ name: "repid-node-tests", private: true, type: "module" }, null, 2)}\n`,
  );

  const entries = npmEntries(readJson<DenoConfig>(join(ROOT, "deno.json")));
  const sources = [...NODE_TEST_DIRS, ...SUPPORT_DIRS]
    .filter((dir) => existsSync(join(ROOT, dir)))
    .flatMap((dir) => tsFiles(dir))
    .filter((file) => !(file in DENO_ONLY));
  for (const file of sources) {
    const staged = join(stage, file);
    mkdirSync(dirname(staged), { recursive: true });
    const source = readFileSync(join(ROOT, file), "utf8");
    writeFileSync(staged, rewriteTestSource(source, file, { packageName: PACKAGE_NAME, entries }));
  }
  console.log(`tsc: compiling ${sources.length} test modules against npm/`);
  runNode([tscPath(), ...TSC_OPTIONS, "--rootDir", stage, ...sources], "tsc (Node tests)", stage);

  return sources
    .filter((file) => NODE_TEST_DIRS.some((dir) => file.startsWith(`${dir}/`)))
    .filter((file) => file.endsWith("_test.ts"))
    .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
    .map((file) => file.replace(/\.ts$/, ".js"));
}

/** The tests of one run, staged and compiled. */
export interface StagedTests {
  /** The run's folder (its `node_modules/repid` is the package under test). */
  stage: string;
  /** The compiled `*_test.js` files to run, relative to `stage`. */
  files: string[];
}

/**
 * Builds the package into a private folder of this run (or, with
 * `--no-build`, links `npm/`), stages and compiles the tests, calls `run` and
 * returns its exit code. Each run has its own folder under `.npm-test/`,
 * removed afterwards unless `--keep` is given, so runs side by side do not
 * disturb each other. Shared by the Node and the Bun runs.
 */
export async function withStagedTests(
  args: string[],
  run: (staged: StagedTests) => number | Promise<number>,
): Promise<number> {
  const build = !args.includes("--no-build");
  const keep = args.includes("--keep");
  const filters = args.filter((a) => !a.startsWith("--"));
  mkdirSync(STAGE_ROOT, { recursive: true });
  const stage = mkdtempSync(join(STAGE_ROOT, "run-"));
  try {
    const linked = join(stage, "node_modules", PACKAGE_NAME);
    mkdirSync(dirname(linked), { recursive: true });
    if (build) buildNpm({ dir: linked });
    else if (!existsSync(join(NPM_DIR, "package.json"))) {
      throw new BuildError("npm/ is not built: run `deno task build:npm` first");
    } else symlinkSync(NPM_DIR, linked, "dir");

    const files = stageTests(stage, filters);
    if (files.length === 0) {
      throw new BuildError(
        `No test file to run${filters.length ? ` for ${filters.join(", ")}` : ""}`,
      );
    }
    for (const [file, why] of Object.entries(DENO_ONLY)) console.log(`left out ${file}: ${why}`);
    return await run({ stage, files });
  } finally {
    if (keep) console.log(`kept ${stage}`);
    else rmSync(stage, { recursive: true, force: true });
  }
}

/** Stages the tests and runs them with `node --test`; returns its exit code. */
export function testNode(args: string[]): Promise<number> {
  console.log(`node ${nodeVersion()}`);
  return withStagedTests(args, ({ stage, files }) => {
    const run = spawnSync(
      "node",
      ["--test", "--test-reporter=spec", "--test-timeout=120000", ...files],
      { cwd: stage, stdio: "inherit", timeout: RUN_LIMIT_MS, killSignal: "SIGKILL" },
    );
    if (run.error) throw new BuildError(`node --test: ${run.error.message}`);
    return run.status ?? 1;
  });
}

if (import.meta.main) {
  try {
    process.exit(await testNode(process.argv.slice(2)));
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
