/**
 * Writing TypeScript values into Lua source: the shared rules of
 * `src/core/` (limits, reasons, error names, message templates) are
 * substituted into the scripts with these, never retyped.
 *
 * @module
 */

/**
 * A Lua string literal of `s` (single-quoted, escaped).
 *
 * @example
 * ```ts
 * import { luaString } from "./lua_text.ts";
 *
 * console.log(luaString("it's")); // 'it\'s'
 * ```
 */
export function luaString(s: string): string {
  return `'${s.replace(/[\\'\n\r\0]/g, (c) => LUA_ESCAPES[c])}'`;
}

const LUA_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  "\n": "\\n",
  "\r": "\\r",
  "\0": "\\0",
};

/**
 * A Lua expression that builds a message of `src/core/store_errors.ts`:
 * each `{name}` of the template becomes the Lua expression `values[name]`,
 * the rest string literals, joined with `..`.
 *
 * @example
 * ```ts
 * import { luaMessage } from "./lua_text.ts";
 *
 * console.log(luaMessage('job "{id}" is odd', { id: "id" })); // 'job "' .. id .. '" is odd'
 * ```
 */
export function luaMessage(template: string, values: Record<string, string>): string {
  const parts: string[] = [];
  let at = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    const expr = values[m[1]];
    if (expr === undefined) {
      throw new RangeError(
        `Cannot build Lua message: no expression for {${m[1]}} in "${template}"`,
      );
    }
    if (m.index > at) parts.push(luaString(template.slice(at, m.index)));
    parts.push(expr);
    at = m.index + m[0].length;
  }
  if (at < template.length) parts.push(luaString(template.slice(at)));
  return parts.join(" .. ");
}
