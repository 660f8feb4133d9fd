/**
 * `npx -y deno@2 task test` on a machine with only Node: the `deno` that
 * runs the tests is not on the PATH, so no test or task may spawn `deno`
 * by name. Here a `deno` placed first on the PATH records any call and
 * fails; the tests that start subprocesses, and `deno task`, must not reach it.
 */
import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { ROOT, runDeno, within } from "../support/subprocess.ts";

/** The test files that spawn `deno` subprocesses (this one excepted). */
const SPAWNING = [
  "tests/integration/cli_test.ts",
  "tests/integration/cli_signals_test.ts",
  "tests/unit/types_diagnostics_test.ts",
];

test("the tests that spawn Deno, and `deno task`, never run a `deno` found on the PATH", async () => {
  const dir = mkdtempSync(join(tmpdir(), "repid-path-deno-"));
  const calls = join(dir, "calls.log");
  try {
    const shim = join(dir, "deno");
    writeFileSync(shim, `#!/bin/sh\necho "deno $*" >> "${calls}"\nexit 97\n`);
    chmodSync(shim, 0o755);
    const env = { PATH: `${dir}${delimiter}${process.env.PATH ?? ""}` };
    const task = runDeno(["task", "worker", "--help"], env);
    assert.equal((await within(task.exited, 60_000, "deno task worker --help")).code, 0);
    const tests = runDeno(["test", "-A", "--no-check=remote", ...SPAWNING], env);
    const { code } = await within(tests.exited, 300_000, "the spawning tests");
    assert.equal(code, 0, `${tests.stdout()}\n${tests.stderr()}`);
    assert.equal(existsSync(calls) ? readFileSync(calls, "utf8") : "", "", "calls of PATH's deno");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("no source, test, script or example starts `deno` by name", () => {
  const bare =
    /\b(?:spawn|spawnSync|execFile|execFileSync|exec|execSync)\(\s*["'`]deno\b|new\s+Deno\.Command\(\s*["'`]deno["'`]/;
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules") walk(path);
      } else if (/\.(?:[cm]?[jt]s)$/.test(entry.name)) {
        readFileSync(join(ROOT, path), "utf8").split("\n").forEach((line, i) => {
          if (bare.test(line)) found.push(`${path}:${i + 1}: ${line.trim()}`);
        });
      }
    }
  };
  for (const dir of ["src", "tests", "scripts", "examples", "bench"]) walk(dir);
  assert.deepEqual(found, [], "spawn Deno with process.execPath (Deno.execPath()) instead");
});
