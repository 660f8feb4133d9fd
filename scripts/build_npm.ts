/**
 * `deno task build:npm`: builds the npm package `repid` into `npm/` from the
 * same sources as the JSR package.
 *
 * 1. Checks that `deno.json` and the root `package.json` agree (every `npm:`
 *    import with the same range in `dependencies`, and back), else fails.
 * 2. Compiles the modules `deno.json` exports and every module of `src/` with `tsc` (Node 20 flavour:
 *    NodeNext modules, ES2022 output, only ES2023 library types plus
 *    `@types/node` 20, so an API Node 20 lacks does not compile) into ES
 *    modules and `.d.ts` under `npm/esm/`, `.ts` imports rewritten to `.js`.
 * 3. Makes `src/cli/main.js` the `repid` bin, writes `package.json`,
 *    `README.md` and `LICENSE`, and checks the written manifest and files.
 *
 * Usage: `deno task build:npm` (exit code 1 with the reasons on failure).
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, relative, sep } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  compiledPath,
  type DenoConfig,
  denoExports,
  manifestProblems,
  NPM_OUT_DIR,
  npmManifest,
  type PackageJson,
} from "./npm_manifest.ts";

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL("../", import.meta.url));
/** Where the npm package is written. */
export const NPM_DIR: string = join(ROOT, "npm");
/** The npm package name. */
export const PACKAGE_NAME = "repid";
/** The module that becomes the `repid` command. */
export const BIN_SOURCE = "src/cli/main.ts";
/** The few Web Worker types the build declares instead of the DOM library. */
const WEB_TYPES = "scripts/npm_web_types.d.ts";

const DESCRIPTION =
  "A job queue for Deno and Node.js over Redis: actors, FIFO queues, retries, deferred and " +
  "recurring jobs, awaited results.";
/**
 * The project's repository: `repository`, `homepage` and `bugs` of the npm
 * manifest, and the base of the README's links to files the package lacks.
 */
export const REPOSITORY_URL = "https://github.com/repid/repid-ts";
const LINKS = {
  repository: REPOSITORY_URL,
  homepage: `${REPOSITORY_URL}#readme`,
  bugs: `${REPOSITORY_URL}/issues`,
};
const KEYWORDS = ["queue", "job", "jobs", "redis", "worker", "task", "deno", "background"];

/** The build failed; `message` lists every reason. */
export class BuildError extends Error {
  override name = "BuildError";
}

/** Reads a JSON file of the repository. */
export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** Every `.ts` module under `dir` (relative to the root, `/`-separated), sorted. */
export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        out.push(relative(ROOT, path).split(sep).join("/"));
      }
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

/** The path of the `tsc` of the root `package.json` devDependencies (installed if missing). */
export function tscPath(): string {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  if (!existsSync(tsc) && process.versions.deno) {
    // `deno install` fills node_modules from package.json (nodeModulesDir: auto).
    spawnSync(process.execPath, ["install"], { cwd: ROOT, stdio: "inherit" });
  }
  if (!existsSync(tsc)) {
    throw new BuildError(
      `Cannot build the npm package: ${tsc} is missing (run \`deno install\` or \`npm install\`)`,
    );
  }
  return tsc;
}

/** Runs `node <args>`; throws a `BuildError` with `what` when it fails. */
export function runNode(args: string[], what: string, cwd: string = ROOT): void {
  const run = spawnSync("node", args, { cwd, stdio: "inherit" });
  if (run.error) throw new BuildError(`${what}: cannot run node: ${run.error.message}`);
  if (run.status !== 0) throw new BuildError(`${what} failed (exit code ${run.status})`);
}

/** The `tsc` options of the npm build (and of the Node test build). */
export const TSC_OPTIONS: readonly string[] = [
  "--module",
  "NodeNext",
  "--moduleResolution",
  "NodeNext",
  "--target",
  "ES2022",
  "--lib",
  "ES2023",
  "--types",
  "node",
  "--strict",
  "--isolatedModules",
  "--rewriteRelativeImportExtensions",
  "--skipLibCheck",
  "--noEmitOnError",
  "--newLine",
  "lf",
];

/**
 * `.ts` modules loaded at run time by URL (a worker thread's entry) are
 * compiled to `.js`: point `new URL("./x.ts", import.meta.url)` at them.
 */
export function rewriteModuleUrls(js: string): string {
  return js.replace(
    /(\bnew\s+URL\s*\(\s*)(["'])(\.{1,2}\/[^"'\n]*)\.ts\2(?=\s*,\s*import\.meta\.url)/g,
    "$1$2$3.js$2",
  );
}

function jsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsFiles(path));
    else if (entry.name.endsWith(".js")) out.push(path);
  }
  return out;
}

const MIT_LICENSE_NOTE = "create an MIT LICENSE at the repository root";

/** Options of {@linkcode buildNpm}. */
export interface BuildOptions {
  /** Where to write the package (a private copy for a test run). @default NPM_DIR */
  dir?: string;
  /** Progress lines. @default console.log */
  log?: (line: string) => void;
}

/** Builds the npm package into `npm/`. Throws a `BuildError` listing what is wrong. */
export function buildNpm({ dir = NPM_DIR, log = console.log }: BuildOptions = {}): void {
  const deno = readJson<DenoConfig>(join(ROOT, "deno.json"));
  const root = readJson<PackageJson>(join(ROOT, "package.json"));
  const problems = manifestProblems(deno, root);
  if (problems.length) {
    throw new BuildError(
      `deno.json and package.json disagree:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  for (const file of ["README.md", "LICENSE"]) {
    if (!existsSync(join(ROOT, file))) {
      throw new BuildError(
        `Cannot build the npm package: ${file} is missing` +
          (file === "LICENSE" ? ` (${MIT_LICENSE_NOTE})` : ""),
      );
    }
  }
  if (!existsSync(join(ROOT, BIN_SOURCE))) {
    throw new BuildError(`Cannot build the npm package: the bin ${BIN_SOURCE} is missing`);
  }

  const tsc = tscPath();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const outDir = join(dir, NPM_OUT_DIR);
  const entries = Object.values(denoExports(deno)).map((m) => m.replace(/^\.\//, ""));
  const sources = [...new Set([...entries, ...tsFiles("src")])];
  log(`tsc: compiling ${sources.length} modules into ${join(dir, NPM_OUT_DIR)}`);
  runNode(
    [
      tsc,
      ...TSC_OPTIONS,
      "--declaration",
      "--rootDir",
      ROOT,
      "--outDir",
      outDir,
      ...sources,
      WEB_TYPES,
    ],
    "tsc (npm build)",
  );

  for (const file of jsFiles(outDir)) {
    const js = readFileSync(file, "utf8");
    const rewritten = rewriteModuleUrls(js);
    if (rewritten !== js) writeFileSync(file, rewritten);
  }

  const manifest = npmManifest(deno, {
    name: PACKAGE_NAME,
    description: DESCRIPTION,
    bin: { [PACKAGE_NAME]: BIN_SOURCE },
    keywords: KEYWORDS,
    dependencyRanges: root.dependencies,
    links: LINKS,
  });
  const bin = join(dir, compiledPath(BIN_SOURCE));
  const binJs = readFileSync(bin, "utf8");
  if (!binJs.startsWith("#!")) writeFileSync(bin, `#!/usr/bin/env node\n${binJs}`);
  chmodSync(bin, 0o755);

  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    join(dir, "README.md"),
    absoluteReadmeLinks(readFileSync(join(ROOT, "README.md"), "utf8"), REPOSITORY_URL),
  );
  copyFileSync(join(ROOT, "LICENSE"), join(dir, "LICENSE"));

  // Check what was written, as npm will read it.
  const written = readJson<PackageJson>(join(dir, "package.json"));
  const after = manifestProblems(deno, root, written);
  const targets = [
    ...Object.values(written.exports ?? {}).flatMap((e) => [e.types, e.default]),
    ...Object.values(written.bin ?? {}),
  ];
  for (const target of targets) {
    if (!existsSync(join(dir, target))) after.push(`${join(dir, target)} was not built`);
  }
  if (after.length) {
    throw new BuildError(
      `The npm package disagrees with deno.json:\n${after.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  log(`${dir}: ${manifest.name}@${manifest.version} (${targets.length} entry files checked)`);
}

/**
 * The README with its links to repository files (`[x](examples/)`,
 * `[x](DEVELOPERS.md)`), which the npm package lacks, made absolute links
 * into the repository; anchors and absolute URLs stay as they are.
 */
export function absoluteReadmeLinks(markdown: string, repository: string): string {
  return markdown.replace(/\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s]+)\)/gi, (_, target: string) => {
    const path = target.replace(/^\.\//, "");
    const kind = path.endsWith("/") ? "tree" : "blob";
    return `](${repository}/${kind}/main/${path})`;
  });
}

if (import.meta.main) {
  try {
    buildNpm();
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
