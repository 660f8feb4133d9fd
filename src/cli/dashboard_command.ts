/**
 * `repid dashboard [options]`: serves the dashboard over `node:http` until
 * SIGINT or SIGTERM, with basic auth when `REPID_DASHBOARD_AUTH` is set.
 * Shared by `deno task dashboard` and the npm `repid` bin.
 *
 * @module
 */

import { once } from "node:events";
import { createServer } from "node:http";
import process from "node:process";
import { basicAuth } from "../dashboard/basic_auth.ts";
import { dashboard } from "../dashboard/dashboard.ts";
import { nodeListener } from "../dashboard/node_listener.ts";
import { onShutdownSignal } from "../runtime/signals.ts";
import { DASHBOARD_AUTH_ENV, dashboardHelp, parseDashboardArgs } from "./dashboard_args.ts";
import { DEFAULT_REDIS_URL } from "./common_options.ts";

/**
 * Runs `repid dashboard` with the arguments that follow `dashboard`; its help
 * names it after `invocation`, the words the user typed before `dashboard`.
 * Resolves with the exit code: 0 after a stop by signal or `--help`, 1 when
 * it cannot serve, 2 on a wrong command line.
 */
export async function dashboardCommand(
  argv: readonly string[],
  invocation: string,
): Promise<number> {
  let args;
  try {
    args = parseDashboardArgs(argv);
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : error}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(dashboardHelp(invocation));
    return 0;
  }
  const credentials = process.env[DASHBOARD_AUTH_ENV];
  let handler;
  try {
    handler = dashboard({
      redis: args.redisUrl ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
      prefix: args.prefix,
      basePath: args.basePath,
      readOnly: args.readOnly,
      queues: args.queues,
      authorize: credentials ? basicAuth(credentials) : undefined,
    });
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : error}\n`);
    return 1;
  }
  const server = createServer(nodeListener(handler));
  server.listen(args.port, args.host);
  try {
    await Promise.race([
      once(server, "listening"),
      once(server, "error").then(([error]) => Promise.reject(error)),
    ]);
  } catch (error) {
    process.stderr.write(
      `error: cannot listen on ${args.host}:${args.port}: ${
        error instanceof Error ? error.message : error
      }\n`,
    );
    await handler.close();
    return 1;
  }
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : args.port;
  const shown = args.host === "0.0.0.0" ? "127.0.0.1" : args.host;
  process.stdout.write(
    `Repid dashboard on http://${shown}:${port}${args.basePath ?? ""}/` +
      `${args.readOnly ? " (read-only)" : ""}${credentials ? " (basic auth)" : ""}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = onShutdownSignal(() => {
      stop();
      resolve();
    });
  });
  server.closeAllConnections();
  server.close();
  await handler.close();
  return 0;
}
