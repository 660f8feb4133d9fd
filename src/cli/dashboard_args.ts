/**
 * The command line of `repid dashboard`: parsing and the help text. Pure
 * logic, no I/O.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { UsageError } from "./command_line.ts";

/** The environment variable holding `user:password` for basic auth. */
export const DASHBOARD_AUTH_ENV = "REPID_DASHBOARD_AUTH";

/** What `repid dashboard …` was asked to do. */
export interface DashboardArgs {
  /** `true` when `--help` was given. */
  help: boolean;
  /** The port to listen on. */
  port: number;
  /** The address to listen on. */
  host: string;
  /** The Redis URL (or `memory://…`); `undefined`: `$REDIS_URL`, else the default. */
  redisUrl?: string;
  /** The Redis key prefix. */
  prefix?: string;
  /** The path to serve under. */
  basePath?: string;
  /** Hide and refuse actions. */
  readOnly: boolean;
  /** Queues to show even before a worker serves them. */
  queues?: string[];
}

/**
 * The help text of `repid dashboard`, its usage line starting with
 * `invocation`, the words the user typed to start the command line.
 */
export const dashboardHelp = (invocation: string): string =>
  `Usage: ${invocation} dashboard [options]

Serves the Repid dashboard (queues, jobs, schedules, workers, and actions on
them) over HTTP until SIGINT or SIGTERM.

Options:
  --port N             The port (default: 8080)
  --host ADDRESS       The address to listen on (default: 127.0.0.1; 0.0.0.0 for
                       every interface)
  --redis URL          The Redis to show (default: $REDIS_URL, else
                       redis://127.0.0.1:6379); also --redis-url
  --prefix P           The Redis key prefix of the workers (default: repid)
  --base-path /PATH    Serve under this path (default: /)
  --queues a,b         Queues to show even while no worker serves them
  --read-only          Hide every action and refuse them (403)
  -h, --help           Show this help

Authentication: set ${DASHBOARD_AUTH_ENV}=user:password to require HTTP basic
auth (put it behind HTTPS); without it anyone who reaches the port may act.
`;

/** Parses the arguments that follow `dashboard`; throws a `UsageError` naming the bad one. */
export function parseDashboardArgs(argv: readonly string[]): DashboardArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: "boolean", short: "h" },
        port: { type: "string" },
        host: { type: "string" },
        redis: { type: "string" },
        "redis-url": { type: "string" },
        prefix: { type: "string" },
        "base-path": { type: "string" },
        queues: { type: "string" },
        "read-only": { type: "boolean" },
      },
    }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : error} (see --help)`);
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? "8080") || !Number.isInteger(port) || port > 65_535) {
    throw new UsageError(`option --port is ${JSON.stringify(values.port)}, expected 0 to 65535`);
  }
  const redisUrl = values.redis ?? values["redis-url"];
  if (redisUrl !== undefined && !/^(rediss?(\+cluster|\+sentinel)?|memory):\/\//.test(redisUrl)) {
    throw new UsageError(
      `option --redis is ${JSON.stringify(redisUrl)}, expected a redis://, rediss://, ` +
        `redis+cluster://, redis+sentinel:// or memory:// URL`,
    );
  }
  const basePath = values["base-path"];
  if (basePath !== undefined && !basePath.startsWith("/")) {
    throw new UsageError(`option --base-path is ${JSON.stringify(basePath)}, expected /a/path`);
  }
  const queues = values.queues?.split(",").map((q) => q.trim()).filter((q) => q !== "");
  return {
    help: values.help ?? false,
    port,
    host: values.host ?? "127.0.0.1",
    redisUrl,
    prefix: values.prefix,
    basePath: basePath === "/" ? "" : basePath,
    readOnly: values["read-only"] ?? false,
    queues,
  };
}
