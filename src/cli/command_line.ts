/**
 * Reading a command line against the options a command declares: flags as
 * `--flag value` or `--flag=value`, switches, aliases, positional arguments
 * (all of them after `--`), and a {@linkcode UsageError} naming the argument
 * that does not fit. Pure logic, no I/O.
 *
 * @module
 */

import { RepidError } from "../errors.ts";

/** A wrong command line: unknown flag, missing value, bad number. */
export class UsageError extends RepidError {}

/** One option a command accepts. */
export interface OptionSpec {
  /** The flag with its dashes, such as `--limit`. */
  flag: string;
  /** The name of its value in the help (`N`, `URL`); absent for a switch such as `--json`. */
  value?: string;
  /** Other spellings of the flag (`--redis-url` for `--redis`, `-h` for `--help`). */
  aliases?: readonly string[];
  /** What it does, for the help (lines after the first are indented under it). */
  help: string;
}

/** One occurrence of an option on the command line. */
export interface OptionUse {
  /** The flag as the user typed it (an alias stays an alias), for messages. */
  typed: string;
  /** The value (`""` for a switch). */
  value: string;
}

/** A command line read against a command's {@linkcode OptionSpec}s. */
export class CommandLine {
  /** The arguments that are not options, in order. */
  readonly positional: readonly string[];
  readonly #uses: ReadonlyMap<string, readonly OptionUse[]>;

  /**
   * @param positional The arguments that are not options.
   * @param uses Per canonical flag, its occurrences in order.
   */
  constructor(positional: readonly string[], uses: ReadonlyMap<string, readonly OptionUse[]>) {
    this.positional = positional;
    this.#uses = uses;
  }

  /** Whether the option (by its canonical flag) was given. */
  has(flag: string): boolean {
    return this.#uses.has(flag);
  }

  /** Every occurrence of the option, in order (for options that may repeat). */
  all(flag: string): readonly OptionUse[] {
    return this.#uses.get(flag) ?? [];
  }

  /** The last occurrence of the option (a repeated option: the last one wins), if any. */
  last(flag: string): OptionUse | undefined {
    return this.#uses.get(flag)?.at(-1);
  }
}

/**
 * Reads `argv` (the arguments after the command's name) against `options`.
 * Throws a {@linkcode UsageError} for an unknown flag, a value given to a
 * switch, or a flag whose value is missing.
 *
 * @example
 * ```ts ignore
 * const line = parseCommandLine(["emails", "--limit=5"], [{ flag: "--limit", value: "N", help: "" }]);
 * line.positional; // ["emails"]
 * line.last("--limit")?.value; // "5"
 * ```
 */
export function parseCommandLine(
  argv: readonly string[],
  options: readonly OptionSpec[],
): CommandLine {
  const byFlag = new Map<string, OptionSpec>();
  for (const spec of options) {
    for (const flag of [spec.flag, ...(spec.aliases ?? [])]) byFlag.set(flag, spec);
  }
  const positional: string[] = [];
  const uses = new Map<string, OptionUse[]>();
  let onlyPositional = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositional || !arg.startsWith("-") || arg === "-") {
      positional.push(arg);
      continue;
    }
    if (arg === "--") {
      onlyPositional = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const typed = eq === -1 ? arg : arg.slice(0, eq);
    const spec = byFlag.get(typed);
    if (!spec) throw new UsageError(`unknown option ${typed} (see --help)`);
    let value = "";
    if (spec.value === undefined) {
      if (eq !== -1) throw new UsageError(`option ${typed} takes no value (see --help)`);
    } else if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) {
        throw new UsageError(`option ${typed} needs a value (see --help)`);
      }
      value = next;
      i++;
    }
    const list = uses.get(spec.flag) ?? [];
    list.push({ typed, value });
    uses.set(spec.flag, list);
  }
  return new CommandLine(positional, uses);
}

/**
 * The value of a whole-number option, at least `min` (and at most `max`); throws a
 * {@linkcode UsageError} naming the flag and the value otherwise.
 *
 * @example
 * ```ts ignore
 * wholeNumber({ typed: "--limit", value: "50" }, 1); // 50
 * ```
 */
export function wholeNumber(use: OptionUse, min: number, max?: number): number {
  const n = /^\d+$/.test(use.value) ? Number(use.value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
    const expected = max === undefined ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new UsageError(
      `option ${use.typed} is ${JSON.stringify(use.value)}, expected a whole number ${expected}`,
    );
  }
  return n;
}

/** The help lines of `options`: each flag with its value, its text aligned beside it. */
export function formatOptions(options: readonly OptionSpec[]): string {
  const width = 21;
  return options.map((spec) => {
    const short = (spec.aliases ?? []).filter((a) => /^-[^-]/.test(a));
    const long = (spec.aliases ?? []).filter((a) => a.startsWith("--"));
    const names = [...short, spec.flag].join(", ") + (spec.value ? ` ${spec.value}` : "");
    const [first, ...rest] = spec.help.split("\n");
    const head = names.length < width
      ? `  ${names.padEnd(width)}${first}`
      : `  ${names}\n  ${" ".repeat(width)}${first}`;
    const also = long.length ? [`(also ${long.join(", ")})`] : [];
    return [head, ...[...rest, ...also].map((line) => `  ${" ".repeat(width)}${line}`)].join(
      "\n",
    );
  }).join("\n");
}
