/**
 * JSON rules for job arguments and results: only values that survive a
 * `JSON.stringify`/`JSON.parse` round trip unchanged are accepted.
 *
 * @module
 */

/**
 * Describes why `value` is not plain JSON, with the path of the first bad
 * part (`args[0].user.tags[2]`), or returns `null` when it is plain JSON.
 *
 * Accepted: `null`, booleans, finite numbers, strings, arrays without holes or
 * `undefined`, and plain objects (their `undefined` properties are dropped,
 * as `JSON.stringify` does), nested to any depth (the walk keeps its own
 * stack, so a value nested 10,000 deep is checked like a flat one).
 * Refused: functions, symbols, BigInt, NaN and ±Infinity, `undefined`
 * outside an object property, cycles, and class instances such as `Date`,
 * `Map` or `Set` (convert them first).
 */
export function jsonProblem(value: unknown, path: string): string | null {
  // The path of the value being checked is kept as segments and spelled out
  // only for a problem, and the cycle check's set is made only for objects:
  // this runs for every job's arguments and result. The walk is iterative
  // (an explicit stack of open arrays and objects) so that depth never
  // exhausts the call stack.
  let seen: Set<object> | undefined;
  const segments: (string | number)[] = [];
  const stack: Frame[] = [];
  const at = (): string => {
    let out = path;
    for (const s of segments) {
      out += typeof s === "number"
        ? `[${s}]`
        : /^[A-Za-z_$][\w$]*$/.test(s)
        ? `.${s}`
        : `[${JSON.stringify(s)}]`;
    }
    return out;
  };
  let v = value;
  let inObject = false;
  while (true) {
    const problem = leafProblem(v, inObject, at);
    if (problem !== null) {
      if (problem !== OBJECT) return problem;
      const obj = v as object;
      seen ??= new Set();
      if (seen.has(obj)) return `${at()} refers back to itself (a cycle), which JSON cannot hold`;
      if (Array.isArray(obj)) {
        stack.push({ obj, keys: null, next: 0 });
      } else {
        const proto = Object.getPrototypeOf(obj);
        if (proto !== Object.prototype && proto !== null) {
          const kind = (obj as { constructor?: { name?: string } }).constructor?.name ||
            "object";
          return `${at()} is a ${kind} instance, expected a plain object, array or primitive`;
        }
        stack.push({ obj, keys: Object.keys(obj), next: 0 });
      }
      seen.add(obj);
    }
    // Move on to the next value: the next child of the innermost open
    // container, closing those that are done.
    let found = false;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      segments.length = stack.length;
      if (top.keys === null) {
        const arr = top.obj as unknown[];
        if (top.next < arr.length) {
          const i = top.next++;
          segments[stack.length - 1] = i;
          if (!(i in arr)) return `${at()} is a hole in a sparse array, which JSON cannot hold`;
          v = arr[i];
          inObject = false;
          found = true;
          break;
        }
      } else if (top.next < top.keys.length) {
        const key = top.keys[top.next++];
        segments[stack.length - 1] = key;
        v = (top.obj as Record<string, unknown>)[key];
        inObject = true;
        found = true;
        break;
      }
      stack.pop();
      seen!.delete(top.obj);
    }
    if (!found) return null;
  }
}

/** An array or object being walked: its keys (`null` for an array) and the next one to check. */
interface Frame {
  obj: object;
  keys: string[] | null;
  next: number;
}

/** Returned by `leafProblem` for an array or object, which the walk opens. */
const OBJECT = "\0object";

function leafProblem(v: unknown, inObject: boolean, at: () => string): string | null {
  switch (typeof v) {
    case "string":
    case "boolean":
      return null;
    case "number":
      return Number.isFinite(v) ? null : `${at()} is ${v}, which JSON cannot hold`;
    case "undefined":
      return inObject ? null : `${at()} is undefined, which JSON cannot hold`;
    case "bigint":
      return `${at()} is a BigInt (${v}n), which JSON cannot hold; pass it as a string`;
    case "symbol":
      return `${at()} is a symbol, which JSON cannot hold`;
    case "function":
      return `${at()} is a function, which JSON cannot hold`;
  }
  return v === null ? null : OBJECT;
}

/**
 * Serialises `value` to JSON, or throws a `TypeError` that starts with
 * `action` and names the path of the first value JSON cannot hold.
 */
export function toJson(value: unknown, path: string, action: string): string {
  // Most arguments are shallow plain JSON: a check of those that allocates
  // nothing, then the native stringify (its stack is ample for that depth).
  // Anything else (deeper, or refused, to be described) takes the full walk.
  if (isShallowJson(value, SHALLOW_DEPTH, false)) return JSON.stringify(value);
  const problem = jsonProblem(value, path);
  if (problem) throw new TypeError(`${action}: ${problem}`);
  return stringifyJson(value);
}

/** The path `isShallowJson` gives `leafProblem`: none is shown. */
const NO_PATH = (): string => "";

/** The nesting depth `isShallowJson` checks; deeper values (and cycles) take `jsonProblem`. */
const SHALLOW_DEPTH = 8;

/**
 * Whether `v` is plain JSON, as {@linkcode jsonProblem} accepts, nested at
 * most `depth` arrays or objects deep; `false` also when it is deeper (a
 * cycle always is), so that `false` only means "walk it in full". A
 * property's `undefined` is accepted (dropped, as `JSON.stringify` does);
 * an array's (or a hole) is not.
 */
function isShallowJson(v: unknown, depth: number, inObject: boolean): boolean {
  // The leaves by the walk's own rule (its message is made only for a leaf refused, which
  // goes to the walk anyway).
  const leaf = leafProblem(v, inObject, NO_PATH);
  if (leaf !== OBJECT) return leaf === null;
  if (depth === 0) return false;
  const obj = v as object;
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      // a hole reads as undefined, refused in an array like undefined itself
      if (!isShallowJson(obj[i], depth - 1, false)) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in obj) {
    if (!Object.hasOwn(obj, key)) return false; // only a plain object's own keys, as the walk
    if (!isShallowJson((obj as Record<string, unknown>)[key], depth - 1, true)) return false;
  }
  return true;
}

/**
 * `JSON.stringify(value)` for plain JSON at any nesting depth: the native
 * one first, and when it runs out of stack (V8's is recursive: Node's
 * default stack ends it a few thousand levels deep) the same text written
 * by {@linkcode writeJson}.
 */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return writeJson(value, jsonKeys);
  }
}

/** The kinds of property value `JSON.stringify` leaves out of an object. */
const DROPPED = new Set(["undefined", "function", "symbol"]);

/** The keys `JSON.stringify` writes for the plain object `o`, in its order. */
export function jsonKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).filter((k) => !DROPPED.has(typeof o[k]));
}

/**
 * Writes plain JSON (what {@linkcode jsonProblem} accepts) as
 * `JSON.stringify` does, objects' keys in the order `keysOf` gives, with an
 * explicit stack of pending parts (text, or a value still to write) so that
 * no nesting depth exhausts the call stack.
 */
export function writeJson(
  value: unknown,
  keysOf: (o: Record<string, unknown>) => string[],
): string {
  const out: string[] = [];
  const pending: ({ text: string } | { value: unknown })[] = [{ value }];
  while (pending.length > 0) {
    const part = pending.pop()!;
    if ("text" in part) {
      out.push(part.text);
      continue;
    }
    const v = part.value;
    if (v === null || typeof v !== "object") {
      out.push(JSON.stringify(v) ?? "null");
    } else if (Array.isArray(v)) {
      pending.push({ text: "]" });
      for (let i = v.length - 1; i >= 0; i--) {
        pending.push({ value: v[i] });
        if (i > 0) pending.push({ text: "," });
      }
      pending.push({ text: "[" });
    } else {
      const o = v as Record<string, unknown>;
      const keys = keysOf(o);
      pending.push({ text: "}" });
      for (let i = keys.length - 1; i >= 0; i--) {
        pending.push({ value: o[keys[i]] });
        pending.push({ text: `${i > 0 ? "," : ""}${JSON.stringify(keys[i])}:` });
      }
      pending.push({ text: "{" });
    }
  }
  return out.join("");
}
