/**
 * Validation of the names that end up inside store keys: queues, actors and
 * job ids. Lengths are counted as the store counts them: in bytes of UTF-8
 * (what Redis stores and Lua's `#` measures), not in JavaScript characters.
 *
 * @module
 */

/** The longest queue or actor name accepted, in bytes (names are ASCII). */
export const MAX_NAME_LENGTH = 128;
/** The longest custom job id accepted, in bytes of UTF-8. */
export const MAX_JOB_ID_LENGTH = 256;

/**
 * The length of `s` in bytes of UTF-8, as the store counts it (a lone
 * surrogate counts 3, the U+FFFD it is sent as). Counts without encoding.
 */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      n += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: 4 bytes for its 2 characters
      i++;
    } else {
      n += 2;
    }
  }
  return n;
}

/** A lone (unpaired) surrogate: text that UTF-8 cannot carry as it is. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:\-]*$/;

/**
 * Throws a `TypeError` unless `name` is a valid queue or actor name: 1 to
 * 128 bytes of ASCII letters, digits, `_`, `.`, `:` and `-`, not starting
 * with a punctuation mark other than `_`.
 */
export function assertName(kind: "queue" | "actor", name: unknown, action: string): string {
  if (validNames.has(name as string)) return name as string;
  if (typeof name !== "string") {
    throw new TypeError(`${action}: ${kind} name must be a string, got ${describe(name)}`);
  }
  if (name.length === 0) throw new TypeError(`${action}: ${kind} name is empty`);
  const bytes = name.length > MAX_NAME_LENGTH / 3 ? utf8Length(name) : name.length;
  if (bytes > MAX_NAME_LENGTH) {
    throw new TypeError(
      `${action}: ${kind} name "${name.slice(0, 40)}…" is ${bytes} bytes long, ` +
        `expected at most ${MAX_NAME_LENGTH} bytes`,
    );
  }
  if (!NAME.test(name)) {
    throw new TypeError(
      `${action}: ${kind} name ${JSON.stringify(name)} is malformed, expected letters, ` +
        `digits, "_", ".", ":" or "-" (starting with a letter, digit or "_")`,
    );
  }
  if (validNames.size >= MAX_VALID_NAMES) validNames.clear();
  validNames.add(name);
  return name;
}

/**
 * Names that passed `assertName` (the rules are the same for queues and
 * actors): a process enqueues for few of them, again and again, and a set
 * lookup costs less than the checks. Cleared when full, so that a process
 * naming ever new queues keeps it bounded.
 */
const validNames = new Set<string>();
const MAX_VALID_NAMES = 1024;

/**
 * Throws a `TypeError` unless `prefix` is a valid key prefix: a non-empty
 * string without braces (which would break the queues' hash tags).
 */
export function assertPrefix(prefix: unknown, action: string): string {
  if (typeof prefix !== "string" || prefix === "" || /[{}]/.test(prefix)) {
    throw new TypeError(`${action}: prefix ${describe(prefix)} must be non-empty, no braces`);
  }
  return prefix;
}

/**
 * Throws a `TypeError` unless `id` is a valid job id: 1 to 256 bytes of
 * UTF-8, well-formed (no lone surrogate, which the store would keep as
 * U+FFFD, another id), with no control characters or white space.
 */
export function assertJobId(id: unknown, action: string): string {
  if (typeof id !== "string") {
    throw new TypeError(`${action}: job id must be a string, got ${describe(id)}`);
  }
  if (id.length === 0) throw new TypeError(`${action}: job id is empty`);
  const bytes = id.length > MAX_JOB_ID_LENGTH / 3 ? utf8Length(id) : id.length;
  if (bytes > MAX_JOB_ID_LENGTH) {
    throw new TypeError(
      `${action}: job id "${id.slice(0, 40)}…" is ${bytes} bytes long in UTF-8 ` +
        `(${id.length} characters), expected at most ${MAX_JOB_ID_LENGTH} bytes`,
    );
  }
  if (LONE_SURROGATE.test(id)) {
    throw new TypeError(
      `${action}: job id ${JSON.stringify(id)} is not well-formed Unicode (it has a lone ` +
        `surrogate), which the store would keep as another id`,
    );
  }
  // deno-lint-ignore no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(id)) {
    throw new TypeError(
      `${action}: job id ${JSON.stringify(id)} contains white space or control characters`,
    );
  }
  return id;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
