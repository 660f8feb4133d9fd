/**
 * `repid worker <module> [options]`: runs a worker for the actors a module
 * exports, until SIGINT or SIGTERM. Shared by `deno task worker` and the npm
 * `repid` bin.
 *
 * @module
 */

import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { consoleLogger } from "../log.ts";
import { onShutdownSignal, SIGNAL_REPEAT_WINDOW_MS } from "../runtime/signals.ts";
import { Worker } from "../worker/worker.ts";
import { parseWorkerArgs, type WorkerArgs, workerHelp } from "./args.ts";
import { CommandError, reportError as fail } from "./command.ts";
import { redisUrlFromEnv } from "./common_options.ts";
import { type ExportedActor, exportedActors } from "./module_actors.ts";
import { syntaxErrorLocation } from "./syntax_location.ts";
import { serveFetchHandler } from "./http_server.ts";

/**
 * Runs `repid worker` with the arguments that follow `worker`. Writes the
 * help or one error line, or runs the worker until it is stopped by a
 * signal. Resolves with the process exit code: 0 after a graceful stop or
 * `--help`, 1 when the module cannot be used, 2 on a wrong command line.
 */
export async function workerCommand(
  argv: readonly string[],
  invocation: string,
): Promise<number> {
  let args: WorkerArgs;
  try {
    args = parseWorkerArgs(argv);
  } catch (error) {
    return fail(error, 2);
  }
  if (args.help) {
    process.stdout.write(workerHelp(invocation));
    return 0;
  }

  let actors: ExportedActor[];
  try {
    actors = selectActors(args, await loadModule(args.module));
  } catch (error) {
    return fail(error, 1);
  }

  let worker: Worker;
  const logger = consoleLogger(args.logLevel);
  try {
    worker = new Worker(args.redisUrl ?? redisUrlFromEnv(process.env), {
      prefix: args.prefix,
      concurrency: args.concurrency,
      leaseMs: args.leaseMs,
      graceMs: args.graceMs,
      logger,
    });
  } catch (error) {
    return fail(error, 2);
  }
  try {
    for (const a of actors) worker.actor(a.actor, a.options);
  } catch (error) {
    await worker.stop({ graceMs: 0 });
    return fail(error, 1);
  }

  // The worker stops gracefully on the first SIGINT/SIGTERM; a second one
  // ends the process at once (the leases of unfinished jobs then expire).
  // The same signal delivered twice at once (to the process group and
  // forwarded by `deno task`) counts once (see onShutdownSignal).
  let signals = 0;
  const removeSignals = onShutdownSignal(() => {
    if (++signals < 2) return;
    process.stderr.write("error: second signal, exiting without waiting for running jobs\n");
    process.exit(130);
  }, {
    onRepeat: (signal) =>
      logger.info(
        `received ${signal} again within ${SIGNAL_REPEAT_WINDOW_MS} ms: the same signal, ` +
          `counted once (send it again to exit without waiting for running jobs)`,
      ),
  });
  let closeServer: (() => Promise<void>) | undefined;
  try {
    if (args.metricsPort !== undefined) {
      const served = await serveFetchHandler(worker.fetchHandler, args.metricsPort);
      closeServer = served.close;
      logger.info(`serving /metrics, /healthz and /readyz on http://0.0.0.0:${served.port}`, {
        port: served.port,
      });
    }
    await worker.runForever();
  } catch (error) {
    // The worker could not start: Redis unreachable, a thread actor's module unusable.
    return fail(error, 1);
  } finally {
    removeSignals();
    await closeServer?.();
  }
  return 0;
}

/** Imports the module named on the command line: a URL, or a path from the cwd. */
async function loadModule(spec: string): Promise<Record<string, unknown>> {
  const url = moduleUrl(spec);
  try {
    return await import(url);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const where = syntaxErrorLocation(error, url);
    throw new CommandError(
      `Cannot load module "${spec}": ${where ? `SyntaxError at ${where}: ${message}` : message}`,
    );
  }
}

function moduleUrl(spec: string): string {
  if (/^[a-z][a-z0-9+.-]+:/i.test(spec)) return spec; // a URL (file:, https:, npm:, jsr:)
  // `deno task` and `npm run` run in the project's directory; INIT_CWD is where
  // the user typed the command.
  const bases = [process.cwd(), process.env.INIT_CWD].filter((b): b is string => !!b);
  for (const base of bases) {
    const path = resolve(base, spec);
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory()) {
      throw new CommandError(`Cannot load module "${spec}": ${path} is a directory, not a file`);
    }
    return pathToFileURL(path).href;
  }
  throw new CommandError(
    `Cannot load module "${spec}": no such file (looked for ${resolve(bases[0], spec)})`,
  );
}

function selectActors(args: WorkerArgs, namespace: Record<string, unknown>): ExportedActor[] {
  const all = exportedActors(namespace);
  if (all.length === 0) {
    throw new CommandError(
      `Cannot run worker: module "${args.module}" exports no actor ` +
        `(export functions, or definitions made with defineActor())`,
    );
  }
  if (!args.queues) return all;
  const wanted = new Set(args.queues);
  const kept = all.filter((a) => wanted.has(a.queue));
  if (kept.length === 0) {
    const have = all.map((a) => `${a.name} (${a.queue})`).join(", ");
    throw new CommandError(
      `Cannot run worker: module "${args.module}" has no actor on ${
        args.queues.length > 1 ? "queues" : "queue"
      } ${args.queues.join(", ")}; it has ${have}`,
    );
  }
  return kept;
}
