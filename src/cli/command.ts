/**
 * What a command of the `repid` command line is, and the one way every
 * command that reads or changes the store runs: read the command line, show
 * the help, connect, print a table or `--json`, exit with a code that tells
 * what went wrong (0 done, 1 the store or the job said no, 2 a wrong
 * command line).
 *
 * @module
 */

import process from "node:process";
import { RepidError } from "../errors.ts";
import {
  type CommandLine,
  formatOptions,
  type OptionSpec,
  parseCommandLine,
  UsageError,
} from "./command_line.ts";
import { HELP_OPTION, JSON_OPTION, STORE_OPTIONS, storeAddress } from "./common_options.ts";
import { formatJson } from "./output.ts";
import { openStore, type Store } from "./store_connection.ts";

/**
 * A command that cannot do what it was asked: a module that cannot be
 * loaded or has no actor to run, a job that does not exist.
 */
export class CommandError extends RepidError {}

/** The exit code after a wrong command line (or a value the API refused). */
export const EXIT_USAGE = 2;

/** The exit code when the store could not be reached or refused the action. */
export const EXIT_FAILURE = 1;

/** A command of the command line, as the dispatcher runs it. */
export interface Command {
  /** Its name (`queues`). */
  name: string;
  /** Its arguments, for the usage lines (`<queue> --state S`). */
  usage: string;
  /** What it does, in one line, for the list of commands. */
  summary: string;
  /**
   * Runs it with the arguments after its name; `invocation` is the words
   * the user typed before the name (`npx repid`). Resolves with the exit code.
   */
  main(argv: readonly string[], invocation: string): Promise<number>;
}

/** What a command prints: a text for people, a value for `--json`. */
export interface CommandOutput {
  /** The text (a table, a field list, a sentence), ending in a newline. */
  text: string;
  /** What `--json` prints. */
  json: unknown;
  /**
   * The exit code, when the command did not do what it was asked (a job
   * that could not be cancelled: 1) but has something to print.
   * @default {0}
   */
  exitCode?: number;
}

/** What a command's `run` gets. */
export interface CommandInput {
  /** The command line (options by their canonical flag). */
  line: CommandLine;
  /** Connects to the store (once; later calls return the same), for `action`. */
  connect(action: string): Promise<Store>;
}

/** A command that reads or changes the store, declared for {@linkcode storeCommand}. */
export interface StoreCommandSpec {
  /** Its name. */
  name: string;
  /** Its arguments, for the usage line. */
  usage: string;
  /** One line for the list of commands. */
  summary: string;
  /** The help's paragraphs after the usage line. */
  description: string;
  /** Its own options (`--redis`, `--prefix`, `--json` and `--help` follow). */
  options?: readonly OptionSpec[];
  /** Example arguments after the name, one per line of the help. */
  examples: readonly string[];
  /**
   * Does the work. Checks its arguments before it connects, throwing a
   * `UsageError` for a wrong one.
   */
  run(input: CommandInput): Promise<CommandOutput>;
}

/**
 * A {@linkcode Command} from its declaration: every store command parses,
 * helps, connects, prints and fails the same way.
 *
 * @example
 * ```ts ignore
 * const ping = storeCommand({
 *   name: "ping", usage: "", summary: "Checks the connection", description: "…", examples: [""],
 *   async run({ connect }) {
 *     await connect("ping");
 *     return { text: "ok\n", json: { ok: true } };
 *   },
 * });
 * ```
 */
export function storeCommand(spec: StoreCommandSpec): Command {
  const options = [...(spec.options ?? []), ...STORE_OPTIONS];
  return {
    name: spec.name,
    usage: spec.usage,
    summary: spec.summary,
    async main(argv, invocation) {
      let line: CommandLine;
      try {
        line = parseCommandLine(argv, options);
      } catch (error) {
        return fail(error);
      }
      if (line.has(HELP_OPTION.flag)) {
        process.stdout.write(commandHelp(spec, options, invocation));
        return 0;
      }
      let store: Promise<Store> | undefined;
      try {
        const address = storeAddress(line, process.env);
        const output = await spec.run({
          line,
          connect: (action) => (store ??= openStore(address, action)),
        });
        process.stdout.write(line.has(JSON_OPTION.flag) ? formatJson(output.json) : output.text);
        return output.exitCode ?? 0;
      } catch (error) {
        return fail(error);
      } finally {
        await store?.then((s) => s.close(), () => {});
      }
    },
  };
}

/** The help of a store command. */
function commandHelp(
  spec: StoreCommandSpec,
  options: readonly OptionSpec[],
  invocation: string,
): string {
  const usage = `${invocation} ${spec.name}${spec.usage ? ` ${spec.usage}` : ""} [options]`;
  const examples = spec.examples.map((args) => `  ${invocation} ${spec.name} ${args}`.trimEnd());
  return `Usage: ${usage}

${spec.description.trim()}

Options:
${formatOptions(options)}

Exit codes: 0 done, 1 Redis unreachable or the action refused, 2 a wrong argument.

Example${examples.length > 1 ? "s" : ""}:
${examples.join("\n")}
`;
}

/**
 * Writes `error: <message>` for `error` and returns the exit code: 2 for a
 * wrong command line or a value the API refused as wrong (`TypeError`,
 * `RangeError`), 1 for the rest (Redis unreachable, job not found).
 */
export function fail(error: unknown): number {
  const usage = error instanceof UsageError || error instanceof TypeError ||
    error instanceof RangeError;
  return reportError(error, usage ? EXIT_USAGE : EXIT_FAILURE);
}

/** Writes `error: <message>` for `error` (one line, no stack) and returns `code`. */
export function reportError(error: unknown, code: number): number {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  return code;
}

/**
 * The one positional argument a command takes (`what` names it in the
 * message); throws a {@linkcode UsageError} when there is none or more.
 *
 * @example
 * ```ts ignore
 * onePositional(line, "queue"); // "emails"
 * ```
 */
export function onePositional(line: CommandLine, what: string): string {
  const [first, ...more] = line.positional;
  if (first === undefined) throw new UsageError(`no ${what} given (see --help)`);
  if (more.length) {
    throw new UsageError(
      `expected one ${what}, got ${line.positional.length}: ${line.positional.join(" ")} ` +
        "(see --help)",
    );
  }
  return first;
}

/** Throws a {@linkcode UsageError} when the command line has positional arguments. */
export function noPositional(line: CommandLine): void {
  if (line.positional.length) {
    throw new UsageError(
      `unexpected argument${line.positional.length > 1 ? "s" : ""} ${
        line.positional.join(" ")
      } (see --help)`,
    );
  }
}
