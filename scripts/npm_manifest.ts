/**
 * The npm manifest of the `repid` package, derived from `deno.json`, and the
 * checks that `deno.json`, the root `package.json` and the npm manifest agree.
 * Pure logic, no I/O: `build_npm.ts` reads and writes the files.
 *
 * @module
 */

/** The fields of `deno.json` the npm build reads. */
export interface DenoConfig {
  /** The JSR name, e.g. `@repid/repid`. */
  name?: string;
  /** The version both packages are published under. */
  version?: string;
  /** The SPDX licence. */
  license?: string;
  /** A single entry (`"./mod.ts"`) or a map from subpath to module. */
  exports?: string | Record<string, string>;
  /** The import map: bare specifier to `npm:`/`node:`/other target. */
  imports?: Record<string, string>;
}

/** The fields of a `package.json` the npm build reads or writes. */
export interface PackageJson {
  name?: string;
  version?: string;
  description?: string;
  license?: string;
  type?: string;
  exports?: Record<string, NpmExport>;
  main?: string;
  types?: string;
  bin?: Record<string, string>;
  files?: string[];
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  keywords?: string[];
  [field: string]: unknown;
}

/** One conditional export of the npm package. */
export interface NpmExport {
  /** The declaration file. */
  types: string;
  /** The ES module. */
  default: string;
}

/** An `npm:` specifier taken apart. */
export interface NpmSpecifier {
  /** The package name, with its scope if any. */
  name: string;
  /** The version range, `undefined` when the specifier has none. */
  range?: string;
  /** What follows the range (`""` or `/sub/path`). */
  subpath: string;
}

/** Where the compiled modules go inside the npm package. */
export const NPM_OUT_DIR = "esm";

/**
 * Takes an `npm:` specifier apart (`npm:ioredis@^5.11.1`,
 * `npm:@scope/pkg@1/sub`, `npm:/ioredis@5/`); `undefined` for other schemes.
 */
export function parseNpmSpecifier(specifier: string): NpmSpecifier | undefined {
  if (!specifier.startsWith("npm:")) return undefined;
  const rest = specifier.slice(4).replace(/^\//, "");
  const match = /^((?:@[^/@]+\/)?[^/@]+)(?:@([^/]*))?(\/.*)?$/.exec(rest);
  if (!match) return undefined;
  const [, name, range, subpath = ""] = match;
  return { name, range: range === undefined || range === "" ? undefined : range, subpath };
}

/**
 * The npm dependencies named by `deno.json` `imports`, and the problems that
 * keep an import from being an npm dependency (no range, two ranges for one
 * package, a scheme npm cannot install).
 */
export function dependenciesFromImports(
  imports: Record<string, string> = {},
): { dependencies: Record<string, string>; problems: string[] } {
  const dependencies: Record<string, string> = {};
  const problems: string[] = [];
  for (const [key, target] of Object.entries(imports)) {
    if (target.startsWith("node:")) continue;
    const npm = parseNpmSpecifier(target);
    if (!npm) {
      problems.push(
        `deno.json import "${key}" maps to "${target}": the npm package can only carry ` +
          `npm: and node: imports`,
      );
      continue;
    }
    if (npm.range === undefined) {
      problems.push(
        `deno.json import "${key}" maps to "${target}" without a version range ` +
          `(write npm:${npm.name}@^x.y.z)`,
      );
      continue;
    }
    const known = dependencies[npm.name];
    if (known !== undefined && known !== npm.range) {
      problems.push(
        `deno.json imports npm package "${npm.name}" with two ranges: "${known}" and "${npm.range}"`,
      );
      continue;
    }
    dependencies[npm.name] = npm.range;
  }
  return { dependencies, problems };
}

/** `deno.json` `exports` as a map from subpath (`.`, `./sub`) to module. */
export function denoExports(deno: DenoConfig): Record<string, string> {
  const exports = deno.exports;
  if (exports === undefined) return {};
  return typeof exports === "string" ? { ".": exports } : { ...exports };
}

/**
 * The npm `exports` that mirror `deno.json` `exports`: `./mod.ts` becomes
 * `{ types: "./esm/mod.d.ts", default: "./esm/mod.js" }`. Throws a
 * `TypeError` naming the export when its module is not a `.ts` file.
 */
export function npmExportsFor(deno: DenoConfig): Record<string, NpmExport> {
  const out: Record<string, NpmExport> = {};
  for (const [subpath, module] of Object.entries(denoExports(deno))) {
    out[subpath] = npmExportFor(module, subpath);
  }
  return out;
}

function npmExportFor(module: string, subpath: string): NpmExport {
  const match = /^\.\/(.+)\.ts$/.exec(module);
  if (!match) {
    throw new TypeError(
      `Cannot map deno.json export "${subpath}": "${module}" is not a relative .ts module`,
    );
  }
  return { types: `./${NPM_OUT_DIR}/${match[1]}.d.ts`, default: `./${NPM_OUT_DIR}/${match[1]}.js` };
}

/** The compiled path inside the npm package of a source module (`src/a.ts` → `./esm/src/a.js`). */
export function compiledPath(sourcePath: string): string {
  return `./${NPM_OUT_DIR}/${sourcePath.replace(/^\.\//, "").replace(/\.ts$/, ".js")}`;
}

/**
 * Every way `deno.json`, the root `package.json` and (when given) the npm
 * manifest disagree, as one readable line each; empty when they agree.
 *
 * - each `npm:` import of `deno.json` is in the root `dependencies` with the
 *   same range (or a union of ranges that includes it, see
 *   {@linkcode rangeAllows}), and each root dependency is an `npm:` import
 *   of `deno.json`;
 * - the npm manifest has the version of `deno.json`, exactly the
 *   dependencies of its imports, and `exports` that map every `deno.json`
 *   export (and no other) to its compiled module and declarations.
 */
export function manifestProblems(
  deno: DenoConfig,
  root: PackageJson,
  npm?: PackageJson,
): string[] {
  const { dependencies, problems } = dependenciesFromImports(deno.imports);
  problems.push(...compareDependencies(dependencies, "deno.json imports", root.dependencies, {
    label: 'package.json "dependencies"',
  }));
  for (const [subpath, module] of Object.entries(denoExports(deno))) {
    try {
      npmExportFor(module, subpath);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (!npm) return problems;

  if (npm.version !== deno.version) {
    problems.push(`npm package.json version "${npm.version}" is not deno.json's "${deno.version}"`);
  }
  // The npm package carries the root package.json's ranges (which may widen Deno's).
  problems.push(
    ...compareDependencies(dependencies, "deno.json imports", npm.dependencies, {
      label: 'npm/package.json "dependencies"',
    }),
  );
  for (const [name, range] of Object.entries(root.dependencies ?? {})) {
    const got = npm.dependencies?.[name];
    if (got !== undefined && got !== range) {
      problems.push(
        `"${name}": package.json has range "${range}" but npm/package.json has "${got}"`,
      );
    }
  }
  const want = denoExports(deno);
  const have = npm.exports ?? {};
  for (const [subpath, module] of Object.entries(want)) {
    let expected: NpmExport;
    try {
      expected = npmExportFor(module, subpath);
    } catch {
      continue; // reported above
    }
    const got = have[subpath];
    if (!got) {
      problems.push(`deno.json exports "${subpath}" (${module}) but the npm exports lack it`);
    } else if (got.types !== expected.types || got.default !== expected.default) {
      problems.push(
        `npm export "${subpath}" is ${JSON.stringify(got)}, but deno.json's ${module} ` +
          `compiles to ${JSON.stringify(expected)}`,
      );
    }
  }
  for (const subpath of Object.keys(have)) {
    if (!(subpath in want)) {
      problems.push(`npm exports "${subpath}", which deno.json does not export`);
    }
  }
  return problems;
}

/**
 * Whether the npm range `wide` is `narrow` or a union (`a || b`) that has
 * `narrow` as one of its alternatives. Deno's `npm:` specifiers take one
 * range; the npm package may accept more majors (ioredis `^5 || ^6`) so that
 * npm installs one copy next to the user's own.
 */
export function rangeAllows(wide: string, narrow: string): boolean {
  return wide === narrow || wide.split("||").some((alternative) => alternative.trim() === narrow);
}

function compareDependencies(
  fromImports: Record<string, string>,
  importsLabel: string,
  declared: Record<string, string> = {},
  { label }: { label: string },
): string[] {
  const problems: string[] = [];
  for (const [name, range] of Object.entries(fromImports)) {
    const other = declared[name];
    if (other === undefined) {
      problems.push(`${importsLabel} has npm:${name}@${range} but ${label} lacks "${name}"`);
    } else if (!rangeAllows(other, range)) {
      problems.push(
        `"${name}": ${importsLabel} has range "${range}" but ${label} has "${other}"`,
      );
    }
  }
  for (const [name, range] of Object.entries(declared)) {
    if (!(name in fromImports)) {
      problems.push(`${label} has "${name}": "${range}" but ${importsLabel} have no npm:${name}`);
    }
  }
  return problems;
}

/** What the npm manifest needs besides `deno.json`. */
export interface NpmManifestOptions {
  /** The npm package name. */
  name: string;
  /** One line describing the package. */
  description: string;
  /** Command name to source module, e.g. `{ repid: "src/cli/main.ts" }`. */
  bin?: Record<string, string>;
  /** Search keywords. */
  keywords?: string[];
  /**
   * npm ranges that replace those of `deno.json` `imports` (the root
   * `package.json` dependencies, which may widen them).
   * @default {the ranges of deno.json imports}
   */
  dependencyRanges?: Record<string, string>;
  /** The repository, home page and issue tracker URLs. */
  links?: { repository: string; homepage: string; bugs: string };
}

/**
 * The `package.json` of the npm package: name, the version and licence of
 * `deno.json`, ES modules only, `exports` mirroring `deno.json`, the
 * dependencies of its `npm:` imports, Node 20 or later.
 */
export function npmManifest(deno: DenoConfig, options: NpmManifestOptions): PackageJson {
  if (!deno.version) throw new TypeError("Cannot build the npm package: deno.json has no version");
  const exports = npmExportsFor(deno);
  const main = exports["."];
  const manifest: PackageJson = {
    name: options.name,
    version: deno.version,
    description: options.description,
    license: deno.license ?? "MIT",
    type: "module",
    exports,
  };
  if (main) {
    manifest.main = main.default;
    manifest.types = main.types;
  }
  if (options.bin) {
    manifest.bin = Object.fromEntries(
      Object.entries(options.bin).map(([command, source]) => [command, compiledPath(source)]),
    );
  }
  manifest.files = [`${NPM_OUT_DIR}/`, "README.md", "LICENSE"];
  manifest.engines = { node: ">=20" };
  const dependencies = dependenciesFromImports(deno.imports).dependencies;
  for (const name of Object.keys(dependencies)) {
    const wider = options.dependencyRanges?.[name];
    if (wider !== undefined && rangeAllows(wider, dependencies[name])) dependencies[name] = wider;
  }
  manifest.dependencies = dependencies;
  if (options.links) {
    manifest.repository = { type: "git", url: `git+${options.links.repository}.git` };
    manifest.homepage = options.links.homepage;
    manifest.bugs = { url: options.links.bugs };
  }
  if (options.keywords) manifest.keywords = options.keywords;
  return manifest;
}
