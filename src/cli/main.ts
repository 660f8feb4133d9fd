/**
 * The `repid` command line: `repid worker <module> [options]`. A thin entry;
 * the commands live in their own modules.
 *
 * @module
 */

import process from "node:process";
import { dashboardCommand } from "./dashboard_command.ts";
import { workerCommand } from "./worker_command.ts";

const USAGE = `Usage: repid <command> [options]

Commands:
  worker <module>   Run a worker for the actors a module exports (see worker --help)
  dashboard         Serve the dashboard over HTTP (see dashboard --help)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "worker") return await workerCommand(rest);
  if (command === "dashboard") return await dashboardCommand(rest);
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  process.stderr.write(`error: unknown command ${JSON.stringify(command)} (see --help)\n`);
  return 2;
}

process.exit(await main(process.argv.slice(2)));
