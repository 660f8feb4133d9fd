/**
 * Finding the Bun that the tooling runs (`deno task test:bun`,
 * `deno task bench --bun`): the binary of the `@oven/bun-<os>-<arch>` npm
 * package pinned in `scripts/bun/package.json`. That package ships the binary
 * itself, with no install script; `npm ci --prefix scripts/bun` installs it
 * (done here on first use). `$REPID_BUN` names another Bun binary instead,
 * e.g. on a platform the pin does not cover.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { BuildError, readJson, ROOT } from "./build_npm.ts";

/** The folder whose `package.json` pins Bun. */
export const BUN_TOOLING_DIR: string = join(ROOT, "scripts", "bun");

/** The npm package that ships Bun for this machine, e.g. `@oven/bun-linux-x64`. */
export function bunPackageName(
  platform: string = process.platform,
  arch: string = process.arch,
): string {
  const cpu = arch === "arm64" ? "aarch64" : arch;
  return `@oven/bun-${platform}-${cpu}`;
}

/**
 * The path of the Bun binary to run, installing the pinned package first if
 * it is missing. Throws a `BuildError` saying what to do when there is none.
 */
export function bunPath(): string {
  const override = process.env.REPID_BUN;
  if (override) {
    if (!existsSync(override)) throw new BuildError(`REPID_BUN is ${override}: no such file`);
    return override;
  }
  const name = bunPackageName();
  const manifest = readJson<{ devDependencies?: Record<string, string> }>(
    join(BUN_TOOLING_DIR, "package.json"),
  );
  if (!manifest.devDependencies?.[name]) {
    throw new BuildError(
      `No Bun is pinned for ${process.platform}-${process.arch}: add ${name} to ` +
        `scripts/bun/package.json, or set REPID_BUN to a bun binary`,
    );
  }
  const binary = join(BUN_TOOLING_DIR, "node_modules", ...name.split("/"), "bin", "bun");
  if (!existsSync(binary)) {
    console.log(`installing ${name} (npm ci --prefix scripts/bun)`);
    const run = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], {
      cwd: BUN_TOOLING_DIR,
      stdio: "inherit",
    });
    if (run.error || run.status !== 0) {
      throw new BuildError(
        `npm ci in scripts/bun failed (${run.error?.message ?? `exit code ${run.status}`})`,
      );
    }
  }
  if (!existsSync(binary)) throw new BuildError(`${name} installed no ${binary}`);
  return binary;
}

/** `bun --version` of `bun`, e.g. `1.4.5`. */
export function bunVersion(bun: string): string {
  const run = spawnSync(bun, ["--version"], { encoding: "utf8" });
  if (run.error || run.status !== 0) {
    throw new BuildError(`Cannot run ${bun} --version: ${run.error?.message ?? run.stderr}`);
  }
  return run.stdout.trim();
}
