/**
 * The commands of the `repid` command line, in the order of its help.
 *
 * @module
 */

import type { Command } from "./command.ts";
import { cancelCommand, promoteCommand, removeCommand } from "./commands/job_actions.ts";
import { jobCommand } from "./commands/job_command.ts";
import { jobsCommand } from "./commands/jobs_command.ts";
import { pauseCommand, purgeCommand, resumeCommand } from "./commands/queue_actions.ts";
import { queuesCommand } from "./commands/queues_command.ts";
import { requeueCommand } from "./commands/requeue_command.ts";
import { workersCommand } from "./commands/workers_command.ts";
import { dashboardCommand } from "./dashboard_command.ts";
import { workerCommand } from "./worker_command.ts";

/** `repid worker`. */
const worker: Command = {
  name: "worker",
  usage: "<module>",
  summary: "Run a worker for the actors a module exports",
  main: workerCommand,
};

/** `repid dashboard`. */
const dashboard: Command = {
  name: "dashboard",
  usage: "",
  summary: "Serve the dashboard over HTTP",
  main: dashboardCommand,
};

/** Every command, by the order of the help. */
export const COMMANDS: readonly Command[] = [
  queuesCommand,
  jobsCommand,
  jobCommand,
  cancelCommand,
  requeueCommand,
  promoteCommand,
  removeCommand,
  pauseCommand,
  resumeCommand,
  purgeCommand,
  workersCommand,
  worker,
  dashboard,
];

/**
 * The list of commands for the top-level help, each with its usage and
 * summary, under `Usage: <invocation> <command> [options]`.
 */
export function commandsHelp(invocation: string): string {
  const width = 26;
  const lines = COMMANDS.map((c) => {
    const call = `${c.name} ${c.usage}`.trim();
    return call.length < width
      ? `  ${call.padEnd(width)}${c.summary}`
      : `  ${call}\n  ${" ".repeat(width)}${c.summary}`;
  });
  return `Usage: ${invocation} <command> [options]

Commands:
${lines.join("\n")}

Every command takes --redis URL (default: $REDIS_URL, else redis://127.0.0.1:6379)
and --prefix P (default: repid); the ones that print data take --json.
Run \`${invocation} <command> --help\` for a command's options.
`;
}
