/**
 * The include step of the scripts: a line `--- @include <name>` in a
 * script body pulls in the Lua fragment of that name from `./includes/`.
 * Every fragment a script needs (with the fragments they include in turn)
 * is placed once, at the top of the script, so that it is visible from
 * every function of the body.
 *
 * @module
 */

import { FRAGMENTS } from "./includes/mod.ts";

const DIRECTIVE = /^[ \t]*--- @include ([a-z_]+)[ \t]*$/gm;

/** The fragment names that `lua` includes, in the order of their directives. */
function directives(lua: string): string[] {
  return [...lua.matchAll(DIRECTIVE)].map((m) => m[1]);
}

/**
 * Resolves the `--- @include` lines of `body`: returns the fragments it
 * needs, each once and after the fragments it includes, followed by the
 * body without its directives. Throws a `RangeError` for an unknown
 * fragment or an include cycle.
 *
 * @example
 * ```ts
 * import { resolveIncludes } from "./include.ts";
 *
 * const lua = resolveIncludes("--- @include lease\nreturn 1");
 * console.log(lua.includes("local function leased")); // true
 * ```
 */
export function resolveIncludes(body: string): string {
  const placed: string[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const place = (name: string) => {
    if (done.has(name)) return;
    if (visiting.has(name)) throw new RangeError(`Cannot include Lua fragment "${name}": a cycle`);
    const fragment = FRAGMENTS[name];
    if (fragment === undefined) {
      throw new RangeError(
        `Cannot include Lua fragment "${name}": expected one of ${
          Object.keys(FRAGMENTS).join(", ")
        }`,
      );
    }
    visiting.add(name);
    for (const inner of directives(fragment)) place(inner);
    visiting.delete(name);
    done.add(name);
    placed.push(fragment.replace(DIRECTIVE, ""));
  };
  for (const name of directives(body)) place(name);
  return placed.join("") + body.replace(DIRECTIVE, "");
}
