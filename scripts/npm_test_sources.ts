/**
 * Rewriting the project's test sources so that, compiled by `tsc`, they run
 * on Node against the BUILT npm package instead of the TypeScript sources.
 * Pure logic, no I/O: `test_node.ts` copies the files and runs `tsc` and
 * `node --test`.
 *
 * The copies keep their place relative to the repository root, inside a
 * staging folder whose `node_modules/<package>` links to the built package:
 * - a relative import of an exported module becomes the package's export
 *   (`mod.ts` → `"repid"`, `testing.ts` → `"repid/testing"`);
 * - a relative import of another module of the library (`src/…`) points at
 *   its compiled file inside `node_modules/<package>/esm/`;
 * - imports between test files stay relative (tsc rewrites `.ts` to `.js`);
 * - `new URL("./x.ts", import.meta.url)` (a module loaded at run time, e.g.
 *   by a worker thread or a subprocess) gets the `.js` of the compiled file.
 *
 * @module
 */

import { posix } from "node:path";
import { NPM_OUT_DIR } from "./npm_manifest.ts";

/** How test sources map onto the built package. */
export interface RewriteOptions {
  /** The npm package name. @default "repid" */
  packageName?: string;
  /**
   * The exported modules (relative to the repository root) and the
   * specifiers they are imported by on npm.
   * @default { "mod.ts": packageName }
   */
  entries?: Record<string, string>;
  /** The folders (relative to the root) the package is compiled from. @default ["src"] */
  libraryDirs?: string[];
  /** The folders (relative to the root) copied with the tests. @default ["tests"] */
  testDirs?: string[];
}

/** A relative import that cannot be mapped onto the built package. */
export class UnmappedImportError extends Error {
  override name = "UnmappedImportError";
}

const IMPORT_PATTERNS: RegExp[] = [
  // import x from "…" / export { x } from "…" / import type … from "…"
  /(\bfrom\s*)(["'])(\.{1,2}\/[^"'\n]*)\2/g,
  // import "…" (side effects only)
  /(\bimport\s+)(["'])(\.{1,2}\/[^"'\n]*)\2/g,
  // import("…")
  /(\bimport\s*\(\s*)(["'])(\.{1,2}\/[^"'\n]*)\2/g,
];
const URL_PATTERN = /(\bnew\s+URL\s*\(\s*)(["'])(\.{1,2}\/[^"'\n]*)\2(?=\s*,\s*import\.meta\.url)/g;

/**
 * Returns `source` (the text of `file`, a path relative to the repository
 * root such as `tests/integration/a_test.ts`) with its relative imports
 * mapped as described in the module doc. Throws `UnmappedImportError` for a
 * relative import that leaves both the tests and the library.
 */
export function rewriteTestSource(
  source: string,
  file: string,
  options: RewriteOptions = {},
): string {
  const {
    packageName = "repid",
    entries = { "mod.ts": packageName },
    libraryDirs = ["src"],
    testDirs = ["tests"],
  } = options;
  const dir = posix.dirname(file);
  const inside = (path: string, dirs: string[]) =>
    dirs.some((d) => path === d || path.startsWith(`${d}/`));

  const mapImport = (specifier: string): string => {
    const target = posix.normalize(posix.join(dir, specifier));
    if (Object.hasOwn(entries, target)) return entries[target];
    if (inside(target, testDirs)) return specifier;
    if (inside(target, libraryDirs) && /\.ts$/.test(target)) {
      const built = `node_modules/${packageName}/${NPM_OUT_DIR}/${target.replace(/\.ts$/, ".js")}`;
      return relative(dir, built);
    }
    throw new UnmappedImportError(
      `${file} imports "${specifier}" (${target}), which is neither a test file, ` +
        `an exported module nor a module of ${libraryDirs.join(", ")}: ` +
        `the Node run cannot map it`,
    );
  };
  const mapUrl = (specifier: string): string => {
    if (!/\.ts$/.test(specifier)) return specifier;
    const target = posix.normalize(posix.join(dir, specifier));
    if (inside(target, testDirs)) return specifier.replace(/\.ts$/, ".js");
    if (Object.hasOwn(entries, target) || inside(target, libraryDirs)) {
      const built = `node_modules/${packageName}/${NPM_OUT_DIR}/${target.replace(/\.ts$/, ".js")}`;
      return relative(dir, built);
    }
    throw new UnmappedImportError(
      `${file} loads "${specifier}" (${target}) at run time, which the Node run cannot map`,
    );
  };

  let out = source;
  for (const pattern of IMPORT_PATTERNS) {
    out = out.replace(pattern, (_m, lead: string, q: string, spec: string) => {
      return `${lead}${q}${mapImport(spec)}${q}`;
    });
  }
  return out.replace(URL_PATTERN, (_m, lead: string, q: string, spec: string) => {
    return `${lead}${q}${mapUrl(spec)}${q}`;
  });
}

function relative(fromDir: string, to: string): string {
  const path = posix.relative(fromDir, to);
  return path.startsWith(".") ? path : `./${path}`;
}
