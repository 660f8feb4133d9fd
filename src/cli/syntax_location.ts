/**
 * Where a syntax error in a module is. Deno puts the file and line into the
 * error's message; Node's `import()` rejects with a bare "Unexpected token"
 * (the location only reaches an uncaught error's printout), so on Node the
 * file is checked again with `node --check`, which prints `<file>:<line>`.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

/**
 * The `file:line` of the syntax error that made importing `url` fail, when
 * the message does not name it already and `node --check` finds it in that
 * file; `undefined` otherwise (the error is in a module it imports, or the
 * runtime is not Node).
 *
 * @example
 * ```ts ignore
 * const where = syntaxErrorLocation(error, "file:///app/actors.js"); // "/app/actors.js:12"
 * ```
 */
export function syntaxErrorLocation(error: unknown, url: string): string | undefined {
  if (!(error instanceof SyntaxError) || !url.startsWith("file:")) return undefined;
  const path = fileURLToPath(url);
  if (error.message.includes(path) || error.message.includes(url)) return undefined;
  if (process.versions.deno !== undefined || process.versions.bun !== undefined) return undefined;
  const check = spawnSync(process.execPath, ["--check", path], {
    encoding: "utf8",
    timeout: 10_000,
  });
  const first = (check.stderr ?? "").split("\n", 1)[0];
  return first.startsWith(`${path}:`) ? first : undefined;
}
