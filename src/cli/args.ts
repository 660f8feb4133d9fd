/**
 * The command line of `repid worker`: parsing and the help text. Pure logic,
 * no I/O.
 *
 * @module
 */

import { RepidError } from "../errors.ts";
import type { LogLevel } from "../log.ts";

/** A wrong command line: unknown flag, missing value, bad number. */
export class UsageError extends RepidError {}

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
  /** The Redis URL. */
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

/** The help text of `repid worker`. */
export const WORKER_HELP = `Usage: deno task worker <module> [options]   (Deno, from a checkout)
       deno run -A jsr:@repid/repid/cli worker <module> [options]   (Deno, from JSR)
       npx repid worker <module> [options]    (Node, from the npm package)
       bunx --bun repid worker <module> [options]   (Bun, from the npm package)

Runs a Repid worker for the actors exported by <module>, a path relative to the
current directory or a URL. Every exported actor definition (from defineActor)
is registered under its own name, every other exported function under its
export name. The worker stops gracefully on SIGINT or SIGTERM (twice: at once).

Options:
  --queues a,b         Run only the actors of these queues (default: all)
  --concurrency N      How many jobs run at once (default: 10)
  --prefix P           The Redis key prefix; producers must use the same
                       (default: repid)
  --redis-url URL      The Redis to use (default: $REDIS_URL, else
                       redis://127.0.0.1:6379); a Redis Cluster is
                       redis+cluster://host:port,host:port, a primary under
                       Sentinel redis+sentinel://host:port,host:port/<name>
  --log-level LEVEL    debug, info, warn, error or silent (default: info, which logs
                       every job started and finished)
  --lease-ms N         How long a job's lease lasts, in ms (default: 30000)
  --grace-ms N         How long running jobs may finish on shutdown, in ms
                       (default: 10000)
  --metrics-port N     Serve /metrics (Prometheus), /healthz and /readyz over
                       HTTP on port N of all interfaces (0: any free port;
                       the log names it)
  -h, --help           Show this help

Examples:
  deno task worker examples/actors.ts --queues default,myqueue --concurrency 50
  npx repid worker ./actors.js --queues default
`;

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];

type ValueFlag =
  | "--queues"
  | "--concurrency"
  | "--prefix"
  | "--redis-url"
  | "--log-level"
  | "--lease-ms"
  | "--grace-ms"
  | "--metrics-port";

const VALUE_FLAGS: readonly ValueFlag[] = [
  "--queues",
  "--concurrency",
  "--prefix",
  "--redis-url",
  "--log-level",
  "--lease-ms",
  "--grace-ms",
  "--metrics-port",
];

/**
 * Parses the arguments that follow `worker` (flags as `--flag value` or
 * `--flag=value`). Throws a {@linkcode UsageError} naming the bad argument.
 */
export function parseWorkerArgs(argv: readonly string[]): WorkerArgs {
  const out: WorkerArgs = { help: false, module: "", logLevel: "info" };
  const positional: string[] = [];
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
    if (arg === "-h" || arg === "--help") {
      out.help = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) {
      throw new UsageError(`unknown option ${flag} (see --help)`);
    }
    let value: string;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) {
        throw new UsageError(`option ${flag} needs a value (see --help)`);
      }
      value = next;
      i++;
    }
    applyFlag(out, flag as ValueFlag, value);
  }
  if (out.help) return out;
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

function applyFlag(out: WorkerArgs, flag: ValueFlag, value: string): void {
  switch (flag) {
    case "--queues": {
      const queues = value.split(",").map((q) => q.trim());
      if (queues.some((q) => q === "")) {
        throw new UsageError(
          `option --queues is ${JSON.stringify(value)}, expected comma-separated queue names`,
        );
      }
      out.queues = [...new Set([...(out.queues ?? []), ...queues])];
      return;
    }
    case "--concurrency":
      out.concurrency = wholeNumber(flag, value, 1);
      return;
    case "--lease-ms":
      out.leaseMs = wholeNumber(flag, value, 0);
      return;
    case "--grace-ms":
      out.graceMs = wholeNumber(flag, value, 0);
      return;
    case "--metrics-port":
      out.metricsPort = wholeNumber(flag, value, 0);
      if (out.metricsPort > 65_535) {
        throw new UsageError(`option --metrics-port is ${value}, expected a port from 0 to 65535`);
      }
      return;
    case "--prefix":
      if (value === "") throw new UsageError("option --prefix is empty");
      out.prefix = value;
      return;
    case "--redis-url":
      if (!/^rediss?(\+cluster|\+sentinel)?:\/\//.test(value)) {
        throw new UsageError(
          `option --redis-url is ${
            JSON.stringify(value)
          }, expected a URL starting with redis://, rediss://, redis+cluster:// or redis+sentinel://`,
        );
      }
      out.redisUrl = value;
      return;
    case "--log-level":
      if (!(LEVELS as readonly string[]).includes(value)) {
        throw new UsageError(
          `option --log-level is ${JSON.stringify(value)}, expected one of ${LEVELS.join(", ")}`,
        );
      }
      out.logLevel = value as LogLevel;
      return;
  }
}

function wholeNumber(flag: string, value: string, min: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(
      `option ${flag} is ${JSON.stringify(value)}, expected a whole number ≥ ${min}`,
    );
  }
  return n;
}
