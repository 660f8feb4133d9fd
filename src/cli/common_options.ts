/**
 * The options every command takes (`--redis`, `--prefix`, `--help`; `--json`
 * for the commands that print data) and how they are read. Pure logic, no I/O.
 *
 * @module
 */

import { assertPrefix } from "../core/names.ts";
import { type CommandLine, type OptionSpec, type OptionUse, UsageError } from "./command_line.ts";

/** The Redis URL used when neither `--redis` nor `REDIS_URL` is given. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** `--redis URL` (also `--redis-url`, the worker's original spelling). */
export const REDIS_OPTION: OptionSpec = {
  flag: "--redis",
  value: "URL",
  aliases: ["--redis-url"],
  help: "The Redis to use (default: $REDIS_URL, else\n" +
    `${DEFAULT_REDIS_URL}); a Redis Cluster is\n` +
    "redis+cluster://host:port,host:port, a primary under\n" +
    "Sentinel redis+sentinel://host:port,host:port/<name>",
};

/** `--prefix P`. */
export const PREFIX_OPTION: OptionSpec = {
  flag: "--prefix",
  value: "P",
  help: "The Redis key prefix of producers and workers\n(default: repid)",
};

/** `--json`. */
export const JSON_OPTION: OptionSpec = {
  flag: "--json",
  help: "Print JSON (for scripts) instead of text",
};

/** `-h`, `--help`. */
export const HELP_OPTION: OptionSpec = { flag: "--help", aliases: ["-h"], help: "Show this help" };

/** The options of the commands that read or change the store, after their own. */
export const STORE_OPTIONS: readonly OptionSpec[] = [
  REDIS_OPTION,
  PREFIX_OPTION,
  JSON_OPTION,
  HELP_OPTION,
];

/** Where a command connects: the Redis URL and the key prefix. */
export interface StoreAddress {
  /** The Redis URL. */
  url: string;
  /** The key prefix, `undefined` for the default. */
  prefix?: string;
}

/**
 * The Redis URL and prefix a command line names (`--redis`, else
 * `$REDIS_URL`, else {@linkcode DEFAULT_REDIS_URL}); throws a
 * {@linkcode UsageError} naming a value that is not a Redis URL or an empty
 * prefix.
 *
 * @example
 * ```ts ignore
 * storeAddress(line, process.env); // { url: "redis://127.0.0.1:6379", prefix: undefined }
 * ```
 */
export function storeAddress(
  line: CommandLine,
  env: Readonly<Record<string, string | undefined>>,
): StoreAddress {
  const redis = line.last(REDIS_OPTION.flag);
  const prefix = line.last(PREFIX_OPTION.flag);
  if (prefix && prefix.value === "") throw new UsageError(`option ${prefix.typed} is empty`);
  if (prefix) assertPrefix(prefix.value, `Cannot use option ${prefix.typed}`);
  return { url: redis ? redisUrl(redis) : redisUrlFromEnv(env), prefix: prefix?.value };
}

/**
 * `$REDIS_URL`, else {@linkcode DEFAULT_REDIS_URL}; throws a
 * {@linkcode UsageError} when `REDIS_URL` is not a Redis URL.
 *
 * @example
 * ```ts ignore
 * redisUrlFromEnv({}); // "redis://127.0.0.1:6379"
 * ```
 */
export function redisUrlFromEnv(env: Readonly<Record<string, string | undefined>>): string {
  return env.REDIS_URL ? redisUrl({ typed: "REDIS_URL", value: env.REDIS_URL }) : DEFAULT_REDIS_URL;
}

function redisUrl(use: OptionUse): string {
  if (!/^rediss?(\+cluster|\+sentinel)?:\/\//.test(use.value)) {
    const what = use.typed.startsWith("-") ? `option ${use.typed}` : use.typed;
    throw new UsageError(
      `${what} is ${JSON.stringify(use.value)}, expected a URL starting with ` +
        "redis://, rediss://, redis+cluster:// or redis+sentinel://",
    );
  }
  return use.value;
}
