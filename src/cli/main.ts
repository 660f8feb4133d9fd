/**
 * The `repid` command line: `repid <command> [options]` (`deno task repid`,
 * `npx repid`, `bunx --bun repid`). A thin entry: the commands live in
 * their own modules (`commands.ts`).
 *
 * @module
 */

import process from "node:process";
import { COMMANDS, commandsHelp } from "./commands.ts";
import { EXIT_USAGE } from "./command.ts";
import { invocationName } from "./invocation.ts";

async function main(argv: string[], invocation: string): Promise<number> {
  const [name, ...rest] = argv;
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return await command.main(rest, invocation);
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(commandsHelp(invocation));
    return name === undefined ? EXIT_USAGE : 0;
  }
  process.stderr.write(
    `error: unknown command ${JSON.stringify(name)}; the commands are ${
      COMMANDS.map((c) => c.name).join(", ")
    } (see ${invocation} --help)\n`,
  );
  return EXIT_USAGE;
}

const invocation = invocationName({
  argv: process.argv,
  env: process.env,
  runtime: process.versions.deno ? "deno" : process.versions.bun ? "bun" : "node",
  moduleUrl: import.meta.url,
  cwd: process.cwd(),
});
process.exit(await main(process.argv.slice(2), invocation));
