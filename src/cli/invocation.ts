/**
 * How the user started the command line (`deno task repid`, `npx repid`,
 * `bunx --bun repid`, the `repid` bin, `deno run -A jsr:@repid/repid/cli`),
 * so that the help and the error hints name the command as it was typed.
 * Pure logic over facts the entry point reads from `node:process`.
 *
 * @module
 */

import { basename, dirname, isAbsolute, relative, resolve } from "node:path";

/**
 * The environment variable a `deno task` sets to the words that run it
 * (`deno.json`: `"repid": "REPID_INVOKED_AS='deno task repid' deno run …"`):
 * a task cannot be told from a direct `deno run` otherwise. Read on Deno only.
 */
export const INVOKED_AS_ENV = "REPID_INVOKED_AS";

/** The JSR module URLs of the package start with this. */
const JSR_PREFIX = "https://jsr.io/";

/** What the entry point knows about how it was started. */
export interface InvocationFacts {
  /** `process.argv`: the runtime, the script, then the arguments. */
  argv: readonly string[];
  /** The environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** The runtime. */
  runtime: "deno" | "node" | "bun";
  /** The entry module's URL (`import.meta.url` of `src/cli/main.ts`). */
  moduleUrl: string;
  /** The current directory. */
  cwd: string;
}

/**
 * The words that start the command line, as the user typed them: the
 * prefix of every usage line (`<invocation> jobs <queue> …`).
 *
 * @example
 * ```ts ignore
 * invocationName({
 *   argv: ["/usr/bin/node", "/app/node_modules/.bin/repid", "queues"],
 *   env: { npm_lifecycle_event: "npx", npm_lifecycle_script: "repid" },
 *   runtime: "node",
 *   moduleUrl: "file:///app/node_modules/repid/esm/src/cli/main.js",
 *   cwd: "/app",
 * }); // "npx repid"
 * ```
 */
export function invocationName(facts: InvocationFacts): string {
  const { argv, env, runtime, cwd } = facts;
  const script = argv[1] ?? "";
  if (runtime === "deno") {
    const named = env[INVOKED_AS_ENV]?.trim();
    if (named) return named;
    if (facts.moduleUrl.startsWith(JSR_PREFIX)) return "deno run -A jsr:@repid/repid/cli";
    return `deno run -A ${shortPath(script, cwd)}`;
  }
  // npx and bunx say what they ran; a variable inherited from an outer `npx`
  // names another command than this script's bin, and is ignored.
  const bin = basename(script).replace(/\.[cm]?js$/, "");
  const typed = unquote(env.npm_lifecycle_script?.trim().split(/\s+/)[0] ?? "");
  const ranThis = typed === bin || typed.startsWith(`${bin}@`);
  if (ranThis && env.npm_lifecycle_event === "npx") return `npx ${typed}`;
  if (ranThis && env.npm_lifecycle_event === "bunx") {
    return runtime === "bun" ? `bunx --bun ${typed}` : `bunx ${typed}`;
  }
  if (/\.[cm]?[jt]s$/.test(script)) return `${runtime} ${shortPath(script, cwd)}`;
  // A bin link: by its name when its folder is on the PATH, else by its path.
  const onPath = (env.PATH ?? "").split(":").some((dir) => dir && resolve(dir) === dirname(script));
  return onPath ? bin : shortPath(script, cwd);
}

/** `path` relative to `cwd` when it lies below it, else as it is. */
function shortPath(path: string, cwd: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

function unquote(word: string): string {
  return word.replace(/^(['"])(.*)\1$/, "$2");
}
