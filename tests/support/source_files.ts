/**
 * Test support: the library's own source files, for tests that check a rule
 * over all of them. On the Node run (where `src/` is not beside the tests)
 * `SRC` does not exist; check with `existsSync(SRC)` first.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The directory of the library's sources. */
export const SRC: string = fileURLToPath(new URL("../../src/", import.meta.url));

/** Every `.ts` file under `dir` (default `SRC`), as paths. */
export function sourceFiles(dir: string = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}
