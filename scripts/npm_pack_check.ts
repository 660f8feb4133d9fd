/**
 * `deno task test:npm-pack`: uses the npm package as a Node user would.
 *
 * 1. Builds the package into the scratch folder (with `--no-build`, takes
 *    `npm/` as built by `deno task build:npm`) and packs it (`npm pack`).
 * 2. Installs the tarball into a scratch project under the system temp
 *    folder as the README says (`npm install <tarball> ioredis`; ioredis,
 *    its latest major, comes from the registry) and checks that npm
 *    installed one copy of ioredis, shared by the app and repid.
 * 3. There, with plain `node`: an ES module example (enqueue, worker, awaited
 *    result), the same through `require("repid")` where Node allows it
 *    (20.19+, 22.12+), `npx repid worker --help` (naming itself `npx repid`),
 *    `npx repid dashboard --help`, `npx repid workers --json`, and the `repid` bin running
 *    a worker for `./actors.js` that serves a job and stops on SIGTERM, and
 *    the bin naming the file and line of a syntax error in an actors module.
 *
 * 4. Installs ioredis 5 instead (`npm install ioredis@5`), checks again
 *    that there is one copy, and runs the ES module example on it: the
 *    package accepts both majors (`^5.11.1 || ^6.0.0`).
 *
 * With `--bun`, as a Bun user would: `bun add <tarball>`, the same examples
 * with `bun`, and `bunx --bun repid worker` and `workers` (the Bun of `scripts/bun/`).
 *
 * Each example uses its own key prefix on `$REDIS_URL` (default
 * `redis://127.0.0.1:6379`) and deletes its keys. The scratch project is
 * removed afterwards (kept with `--keep`).
 *
 * @module
 */

import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { BuildError, buildNpm, NPM_DIR, ROOT } from "./build_npm.ts";
import { bunPath } from "./bun_binary.ts";

const EXAMPLES = join(ROOT, "scripts", "npm_pack");
/** A failure guard per step, not a timing assertion. */
const STEP_LIMIT_MS = 5 * 60_000;

function run(
  command: string,
  args: string[],
  cwd: string,
  what: string,
): SpawnSyncReturns<string> {
  console.log(`$ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    timeout: STEP_LIMIT_MS,
    killSignal: "SIGKILL",
    env: { ...process.env, NO_COLOR: "1", npm_config_update_notifier: "false" },
  });
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  if (result.error) throw new BuildError(`${what}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new BuildError(`${what} failed (exit code ${result.status ?? result.signal})`);
  }
  return result;
}

/** Whether this Node loads ES modules with `require()` without a flag. */
export function nodeRequiresEsm(version: string): boolean {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
}

/**
 * The version of the one ioredis installed in `app`; throws when repid got a
 * copy of its own (npm found the app's version outside repid's range).
 */
function oneIoredis(app: string): string {
  const nested = join(app, "node_modules", "repid", "node_modules", "ioredis");
  if (existsSync(nested)) {
    throw new BuildError(`npm installed a second ioredis for repid (${nested})`);
  }
  const manifest = JSON.parse(
    readFileSync(join(app, "node_modules", "ioredis", "package.json"), "utf8"),
  ) as { version: string };
  console.log(`one ioredis: ${manifest.version}`);
  return manifest.version;
}

/** Runs the whole check; throws a `BuildError` at the first failing step. */
export function npmPackCheck(args: string[]): void {
  const scratch = mkdtempSync(join(tmpdir(), "repid-npm-pack-"));
  try {
    // A private build, so that runs side by side do not rebuild each other's npm/.
    const packageDir = args.includes("--no-build") ? NPM_DIR : join(scratch, "package");
    if (packageDir !== NPM_DIR) buildNpm({ dir: packageDir });
    run("npm", ["pack", "--pack-destination", scratch], packageDir, "npm pack");
    const tarball = readdirSync(scratch).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new BuildError(`npm pack wrote no tarball into ${scratch}`);

    const app = join(scratch, "app");
    mkdirSync(app);
    writeFileSync(
      join(app, "package.json"),
      `${JSON.stringify({ name: "repid-pack-check", private: true, type: "module" }, null, 2)}\n`,
    );
    const bun = args.includes("--bun") ? bunPath() : undefined;
    let latest: string | undefined;
    if (bun) run(bun, ["add", join(scratch, tarball)], app, "bun add <tarball>");
    else {
      run(
        "npm",
        ["install", "--no-audit", "--no-fund", join(scratch, tarball), "ioredis"],
        app,
        "npm install <tarball> ioredis",
      );
      latest = oneIoredis(app);
    }
    for (
      const file of [
        "example.mjs",
        "example.cjs",
        "actors.js",
        "bin_check.mjs",
        "broken_actors.mjs",
      ]
    ) {
      copyFileSync(join(EXAMPLES, file), join(app, file));
    }

    const runtime = bun ?? "node";
    const version = bun
      ? `Bun ${run(bun, ["--version"], app, "bun --version").stdout.trim()}`
      : `Node ${run("node", ["--version"], app, "node --version").stdout.trim()}`;
    run(runtime, ["example.mjs"], app, "the ES module example");
    if (bun || nodeRequiresEsm(version.replace(/^Node /, ""))) {
      run(runtime, ["example.cjs"], app, 'the require("repid") example');
    } else {
      console.log(`skipped require("repid"): ${version} cannot require ES modules unflagged`);
    }
    const help = bun
      ? run(bun, ["x", "--bun", "repid", "worker", "--help"], app, "bunx --bun repid --help")
      : run("npx", ["--no-install", "repid", "worker", "--help"], app, "npx repid --help");
    if (!help.stdout.includes("--queues")) {
      throw new BuildError("`repid worker --help` printed no --queues option");
    }
    const typed = bun ? "bunx --bun repid" : "npx repid";
    if (!help.stdout.startsWith(`Usage: ${typed} worker <module>`)) {
      throw new BuildError(
        `\`${typed} worker --help\` does not name the command as typed:\n${help.stdout}`,
      );
    }
    // A store command: a prefix nobody uses has no worker (nothing is written).
    const noWorkers = ["repid", "workers", "--json", "--prefix", `repid-npm-pack-${process.pid}`];
    const workers = bun
      ? run(bun, ["x", "--bun", ...noWorkers], app, "bunx --bun repid workers --json")
      : run("npx", ["--no-install", ...noWorkers], app, "npx repid workers --json");
    if (workers.stdout.trim() !== "[]") {
      throw new BuildError(`\`${typed} workers --json\` printed ${workers.stdout}`);
    }
    const dashboardHelp = bun
      ? run(bun, ["x", "--bun", "repid", "dashboard", "--help"], app, "bunx repid dashboard --help")
      : run(
        "npx",
        ["--no-install", "repid", "dashboard", "--help"],
        app,
        "npx repid dashboard --help",
      );
    if (!dashboardHelp.stdout.includes("--port")) {
      throw new BuildError("`repid dashboard --help` printed no --port option");
    }
    run(runtime, ["bin_check.mjs"], app, "the repid bin worker");
    if (bun) {
      console.log(`npm pack check passed: ${tarball} on ${version}`);
      return;
    }
    const broken = spawnSync("npx", ["--no-install", "repid", "worker", "./broken_actors.mjs"], {
      cwd: app,
      encoding: "utf8",
      timeout: STEP_LIMIT_MS,
    });
    if (broken.status !== 1 || !/broken_actors\.mjs:3\b/.test(broken.stderr)) {
      throw new BuildError(
        `repid worker with a syntax error did not name the file and line (exit ${broken.status}):\n` +
          broken.stderr,
      );
    }
    console.log(`syntax error reported: ${broken.stderr.trim()}`);

    run("npm", ["install", "--no-audit", "--no-fund", "ioredis@5"], app, "npm install ioredis@5");
    const five = oneIoredis(app);
    if (!five.startsWith("5.")) throw new BuildError(`ioredis@5 installed ${five}`);
    run("node", ["example.mjs"], app, "the ES module example on ioredis 5");
    console.log(
      `npm pack check passed: ${tarball} on ${version}, with ioredis ${latest} and ${five}`,
    );
  } finally {
    if (args.includes("--keep")) console.log(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  try {
    npmPackCheck(process.argv.slice(2));
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
