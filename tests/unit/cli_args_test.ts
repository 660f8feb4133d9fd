/** The `repid worker` command line and the actors a module exports. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseWorkerArgs } from "../../src/cli/args.ts";
import { UsageError } from "../../src/cli/command_line.ts";
import { exportedActors } from "../../src/cli/module_actors.ts";
import { defineActor } from "../../mod.ts";

test("`parseWorkerArgs()` reads every flag, as `--flag value` or `--flag=value`", () => {
  assert.deepEqual(
    parseWorkerArgs([
      "mod.ts",
      "--queues",
      "default,myqueue",
      "--concurrency=50",
      "--prefix",
      "p",
      "--redis-url",
      "redis://h:1",
      "--log-level=debug",
      "--lease-ms",
      "1000",
      "--grace-ms",
      "0",
    ]),
    {
      help: false,
      module: "mod.ts",
      queues: ["default", "myqueue"],
      concurrency: 50,
      prefix: "p",
      redisUrl: "redis://h:1",
      logLevel: "debug",
      leaseMs: 1000,
      graceMs: 0,
    },
  );
});

test("`parseWorkerArgs()` defaults the log level to info and leaves the rest to the worker", () => {
  assert.deepEqual(parseWorkerArgs(["mod.ts"]), {
    help: false,
    module: "mod.ts",
    logLevel: "info",
  });
});

test("`parseWorkerArgs()` accepts every level the library accepts, silent included", () => {
  for (const level of ["debug", "info", "warn", "error", "silent"]) {
    assert.equal(parseWorkerArgs(["mod.ts", "--log-level", level]).logLevel, level);
  }
});

test("`parseWorkerArgs()` accepts --help and -h without a module", () => {
  assert.equal(parseWorkerArgs(["--help"]).help, true);
  assert.equal(parseWorkerArgs(["x.ts", "-h"]).help, true);
});

test("`parseWorkerArgs()` refuses wrong command lines with a UsageError naming the argument", () => {
  const cases: [string[], RegExp][] = [
    [["x.ts", "--nope"], /^unknown option --nope/],
    [["x.ts", "--concurrency", "0"], /--concurrency is "0", expected a whole number ≥ 1/],
    [["x.ts", "--concurrency", "1.5"], /--concurrency is "1.5"/],
    [["x.ts", "--lease-ms", "-1"], /--lease-ms needs a value|--lease-ms is "-1"/],
    [["x.ts", "--grace-ms"], /--grace-ms needs a value/],
    [["x.ts", "--queues", "a,,b"], /--queues is "a,,b"/],
    [["x.ts", "--log-level", "loud"], /--log-level is "loud", expected one of debug, info/],
    [["x.ts", "--redis-url", "localhost"], /--redis-url is "localhost"/],
    [[], /no module given/],
    [["a.ts", "b.ts"], /expected one module, got 2/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseWorkerArgs(argv), (error: unknown) => {
      assert.ok(error instanceof UsageError, `${argv.join(" ")}: ${error}`);
      assert.match(error.message, message);
      return true;
    });
  }
});

test("`exportedActors()` finds definitions by their name and functions by their export name", () => {
  function body(s: string) {
    return s;
  }
  const def = defineActor(body, { name: "defined", queue: "q" });
  const found = exportedActors({
    alias: async function original() {},
    def,
    sameDefAgain: def,
    body, // the body of an exported definition: not an actor of its own
    Klass: class {},
    constant: 1,
    default: async function fromDefault() {},
  });
  assert.deepEqual(
    found.map((a) => [a.exportName, a.name, a.queue]),
    [["alias", "alias", "default"], ["def", "defined", "q"], [
      "default",
      "fromDefault",
      "default",
    ]],
  );
});
