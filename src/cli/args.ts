/**
 * The command line of `repid worker`: parsing and the help text. Pure logic,
 * no I/O.
 *
 * @module
 */

import type { LogLevel } from "../log.ts";
import {
  formatOptions,
  type OptionSpec,
  parseCommandLine,
  UsageError,
  wholeNumber,
} from "./command_line.ts";
import { HELP_OPTION, PREFIX_OPTION, REDIS_OPTION, storeAddress } from "./common_options.ts";

/** What `repid worker …` was asked to do. */
export interface WorkerArgs {
  /** `true` when `--help` was given (everything else is then ignored). */
  help: boolean;
  /** The module to load the actors from (a path or a URL). */
  module: string;
  /** Keep only the actors of these queues; `undefined` keeps all. */
  queues?: string[];
  /** How many jobs may run at once. */
  concurrency?: number;
  /** The Redis key prefix. */
  prefix?: string;
  /** The Redis URL (`--redis`, or `--redis-url` as it was first spelled). */
  redisUrl?: string;
  /** The console log level. */
  logLevel: LogLevel;
  /** The lease length in milliseconds. */
  leaseMs?: number;
  /** How long running jobs may finish on shutdown, in milliseconds. */
  graceMs?: number;
  /** Serve /metrics, /healthz and /readyz on this port (0: any free port). */
  metricsPort?: number;
}

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];

/** The options of `repid worker`, in the order of its help. */
export const WORKER_OPTIONS: readonly OptionSpec[] = [
  { flag: "--queues", value: "a,b", help: "Run only the actors of these queues (default: all)" },
  { flag: "--concurrency", value: "N", help: "How many jobs run at once (default: 10)" },
  {
    ...PREFIX_OPTION,
    help: "The Redis key prefix; producers must use the same\n(default: repid)",
  },
  REDIS_OPTION,
  {
    flag: "--log-level",
    value: "LEVEL",
    help: "debug, info, warn, error or silent (default: info, which logs\n" +
      "every job started and finished)",
  },
  { flag: "--lease-ms", value: "N", help: "How long a job's lease lasts, in ms (default: 30000)" },
  {
    flag: "--grace-ms",
    value: "N",
    help: "How long running jobs may finish on shutdown, in ms\n(default: 10000)",
  },
  {
    flag: "--metrics-port",
    value: "N",
    help: "Serve /metrics (Prometheus), /healthz and /readyz over\n" +
      "HTTP on port N of all interfaces (0: any free port;\nthe log names it)",
  },
  HELP_OPTION,
];

/**
 * The help of `repid worker`, its usage line starting with `invocation`,
 * the words the user typed to start the command line.
 */
export function workerHelp(invocation: string): string {
  return `Usage: ${invocation} worker <module> [options]

Runs a Repid worker for the actors exported by <module>, a path relative to the
current directory or a URL. Every exported actor definition (from defineActor)
is registered under its own name, every other exported function under its
export name. The worker stops gracefully on SIGINT or SIGTERM (twice: at once).

Options:
${formatOptions(WORKER_OPTIONS)}

Example:
  ${invocation} worker ./actors.${
    invocation.startsWith("deno") ? "ts" : "js"
  } --queues default,myqueue --concurrency 50
`;
}

/**
 * Parses the arguments that follow `worker` (flags as `--flag value` or
 * `--flag=value`). Throws a {@linkcode UsageError} naming the bad argument.
 */
export function parseWorkerArgs(argv: readonly string[]): WorkerArgs {
  const line = parseCommandLine(argv, WORKER_OPTIONS);
  const out: WorkerArgs = { help: line.has("--help"), module: "", logLevel: "info" };
  for (const use of line.all("--queues")) {
    const queues = use.value.split(",").map((q) => q.trim());
    if (queues.some((q) => q === "")) {
      throw new UsageError(
        `option --queues is ${JSON.stringify(use.value)}, expected comma-separated queue names`,
      );
    }
    out.queues = [...new Set([...(out.queues ?? []), ...queues])];
  }
  const number = (flag: string, min: number) => {
    const use = line.last(flag);
    return use && wholeNumber(use, min);
  };
  const [concurrency, leaseMs, graceMs, metricsPort] = [
    number("--concurrency", 1),
    number("--lease-ms", 0),
    number("--grace-ms", 0),
    number("--metrics-port", 0),
  ];
  if (metricsPort !== undefined) {
    if (metricsPort > 65_535) {
      throw new UsageError(
        `option --metrics-port is ${metricsPort}, expected a port from 0 to 65535`,
      );
    }
    out.metricsPort = metricsPort;
  }
  if (concurrency !== undefined) out.concurrency = concurrency;
  if (leaseMs !== undefined) out.leaseMs = leaseMs;
  if (graceMs !== undefined) out.graceMs = graceMs;
  const address = storeAddress(line, {});
  if (line.has(PREFIX_OPTION.flag)) out.prefix = address.prefix;
  if (line.has(REDIS_OPTION.flag)) out.redisUrl = address.url;
  const level = line.last("--log-level");
  if (level) {
    if (!(LEVELS as readonly string[]).includes(level.value)) {
      throw new UsageError(
        `option --log-level is ${JSON.stringify(level.value)}, expected one of ${
          LEVELS.join(", ")
        }`,
      );
    }
    out.logLevel = level.value as LogLevel;
  }
  if (out.help) return out;
  const positional = line.positional;
  if (positional.length === 0) {
    throw new UsageError("no module given: repid worker <module> [options] (see --help)");
  }
  if (positional.length > 1) {
    throw new UsageError(
      `expected one module, got ${positional.length}: ${positional.join(" ")} (see --help)`,
    );
  }
  out.module = positional[0];
  return out;
}
