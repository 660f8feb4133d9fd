/**
 * HTML built from templates in which every interpolated value is escaped
 * unless it is already {@linkcode Html} (made by `markup` itself).
 * Everything a job brings (ids, names, arguments, results, errors) goes
 * through here as plain values.
 *
 * @module
 */

/** Markup that is safe to insert as it is. */
export class Html {
  /** @param value The markup. */
  constructor(readonly value: string) {}
  /** The markup. */
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/**
 * `text` with the characters that mean something in HTML text or in a
 * quoted attribute replaced by entities.
 *
 * @example
 * ```ts ignore
 * escapeHtml("<img src=x onerror=alert(1)>"); // "&lt;img src=x onerror=alert(1)&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ENTITIES[c]);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/**
 * A template tag: the literal parts are markup, every value is escaped
 * (arrays are rendered item by item; `null`, `undefined` and `false` render
 * as nothing).
 *
 * @example
 * ```ts ignore
 * markup`<td>${job.id}</td>`; // the id as text, whatever it contains
 * ```
 */
export function markup(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/**
 * An attribute with its leading space: ` name="value"` (the value escaped),
 * ` name` for `true`, nothing for `undefined`, `null` or `false`.
 *
 * @example
 * ```ts ignore
 * markup`<a href="/"${attr("aria-current", here ? "page" : undefined)}>`;
 * ```
 */
export function attr(name: string, value: string | boolean | null | undefined): Html {
  if (value === undefined || value === null || value === false) return new Html("");
  if (value === true) return new Html(` ${name}`);
  return markup` ${new Html(name)}="${value}"`;
}
