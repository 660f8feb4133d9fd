/** The command line's parts: options, how it was invoked, tables. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCommandLine, UsageError, wholeNumber } from "../../src/cli/command_line.ts";
import { storeAddress } from "../../src/cli/common_options.ts";
import { STORE_OPTIONS } from "../../src/cli/common_options.ts";
import { type InvocationFacts, invocationName } from "../../src/cli/invocation.ts";
import { formatFields, formatTable, formatTime } from "../../src/cli/output.ts";

const LIMIT = { flag: "--limit", value: "N", help: "" };

test("`parseCommandLine()` reads values, switches, aliases and positionals (all after --)", () => {
  const line = parseCommandLine(
    ["emails", "--limit=5", "--json", "--redis-url", "redis://h:1", "--", "--not-a-flag"],
    [LIMIT, ...STORE_OPTIONS],
  );
  assert.deepEqual(line.positional, ["emails", "--not-a-flag"]);
  assert.deepEqual(line.last("--limit"), { typed: "--limit", value: "5" });
  assert.equal(line.has("--json"), true);
  assert.deepEqual(line.last("--redis"), { typed: "--redis-url", value: "redis://h:1" });
  assert.equal(line.has("--prefix"), false);
  assert.equal(parseCommandLine(["-h"], STORE_OPTIONS).has("--help"), true);
});

test("`parseCommandLine()` refuses an unknown flag, a missing value and a value for a switch", () => {
  const cases: [string[], string][] = [
    [["--colour", "red"], "unknown option --colour (see --help)"],
    [["--limit"], "option --limit needs a value (see --help)"],
    [["--limit", "--json"], "option --limit needs a value (see --help)"],
    [["--json=yes"], "option --json takes no value (see --help)"],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseCommandLine(argv, [LIMIT, ...STORE_OPTIONS]), (error: unknown) => {
      assert.ok(error instanceof UsageError, `${argv.join(" ")}: ${error}`);
      assert.equal(error.message, message);
      return true;
    });
  }
});

test("`wholeNumber()` names the flag as typed and the bound", () => {
  assert.equal(wholeNumber({ typed: "--limit", value: "50" }, 1), 50);
  for (const value of ["0", "-1", "1.5", "many", "", "99999999999999999999"]) {
    assert.throws(
      () => wholeNumber({ typed: "--limit", value }, 1),
      new UsageError(`option --limit is ${JSON.stringify(value)}, expected a whole number ≥ 1`),
    );
  }
});

test("`storeAddress()` takes --redis, else $REDIS_URL, else the local Redis; refuses a non-URL", () => {
  const line = (argv: string[]) => parseCommandLine(argv, STORE_OPTIONS);
  assert.deepEqual(storeAddress(line([]), {}), {
    url: "redis://127.0.0.1:6379",
    prefix: undefined,
  });
  assert.deepEqual(storeAddress(line(["--prefix", "p"]), { REDIS_URL: "redis://env:1" }), {
    url: "redis://env:1",
    prefix: "p",
  });
  assert.equal(
    storeAddress(line(["--redis", "rediss://flag:2"]), { REDIS_URL: "redis://env:1" }).url,
    "rediss://flag:2",
  );
  assert.throws(
    () => storeAddress(line(["--redis", "localhost:6379"]), {}),
    /^UsageError: option --redis is "localhost:6379", expected a URL starting with redis:\/\//,
  );
  assert.throws(
    () => storeAddress(line([]), { REDIS_URL: "localhost" }),
    /^UsageError: REDIS_URL is "localhost", expected a URL/,
  );
  assert.throws(() => storeAddress(line(["--prefix="]), {}), /option --prefix is empty/);
});

function facts(overrides: Partial<InvocationFacts>): InvocationFacts {
  return {
    argv: ["/usr/bin/node", "/app/node_modules/.bin/repid", "queues"],
    env: { PATH: "/usr/bin:/bin" },
    runtime: "node",
    moduleUrl: "file:///app/node_modules/repid/esm/src/cli/main.js",
    cwd: "/app",
    ...overrides,
  };
}

test("`invocationName()` names npx, bunx (with and without --bun) and the bin as typed", () => {
  const npx = { npm_lifecycle_event: "npx", npm_lifecycle_script: "'repid'", PATH: "/usr/bin" };
  const bunx = { npm_lifecycle_event: "bunx", npm_lifecycle_script: "repid" };
  assert.equal(invocationName(facts({ env: npx })), "npx repid");
  assert.equal(
    invocationName(facts({ env: { ...npx, npm_lifecycle_script: "repid@0.1.0" } })),
    "npx repid@0.1.0",
  );
  assert.equal(invocationName(facts({ env: bunx, runtime: "bun" })), "bunx --bun repid");
  assert.equal(invocationName(facts({ env: bunx })), "bunx repid");
  // An outer `npx` that ran another command: its variables do not name this one.
  assert.equal(
    invocationName(facts({ env: { npm_lifecycle_event: "npx", npm_lifecycle_script: "tsx" } })),
    "node_modules/.bin/repid",
  );
  assert.equal(
    invocationName(facts({ env: { PATH: "/usr/bin:/app/node_modules/.bin" } })),
    "repid",
  );
  assert.equal(
    invocationName(
      facts({ argv: ["/usr/bin/node", "/app/node_modules/repid/esm/src/cli/main.js"] }),
    ),
    "node node_modules/repid/esm/src/cli/main.js",
  );
});

test("`invocationName()` names deno task (from the task's variable), deno run and JSR", () => {
  const deno = {
    runtime: "deno" as const,
    argv: ["/usr/bin/deno", "/repo/src/cli/main.ts", "queues"],
    moduleUrl: "file:///repo/src/cli/main.ts",
    cwd: "/repo",
  };
  assert.equal(
    invocationName(facts({ ...deno, env: { REPID_INVOKED_AS: "deno task repid" } })),
    "deno task repid",
  );
  assert.equal(invocationName(facts({ ...deno, env: {} })), "deno run -A src/cli/main.ts");
  assert.equal(
    invocationName(facts({ ...deno, env: {}, cwd: "/elsewhere" })),
    "deno run -A /repo/src/cli/main.ts",
  );
  assert.equal(
    invocationName(facts({
      ...deno,
      env: {},
      moduleUrl: "https://jsr.io/@repid/repid/0.1.0/src/cli/main.ts",
    })),
    "deno run -A jsr:@repid/repid/cli",
  );
  // The variable is the task's: on Node it names nothing.
  assert.equal(
    invocationName(
      facts({ env: { REPID_INVOKED_AS: "deno task repid", PATH: "/app/node_modules/.bin" } }),
    ),
    "repid",
  );
});

test("`formatTable()` pads columns, right-aligns numbers, keeps each row on one line", () => {
  const rows = [{ name: "emails", n: 3 }, { name: "a\nb", n: 1200 }];
  assert.equal(
    formatTable(rows, [
      { header: "QUEUE", cell: (r) => r.name },
      { header: "QUEUED", cell: (r) => String(r.n), align: "right" },
      { header: "NOTE", cell: () => "" },
    ]),
    "QUEUE   QUEUED  NOTE\nemails       3\na b       1200\n",
  );
});

test("`formatFields()` aligns values and indents the lines of a long one", () => {
  assert.equal(
    formatFields([["id", "j1"], ["errors", "1. TypeError: x\n2. Error: y"]]),
    "id      j1\nerrors  1. TypeError: x\n        2. Error: y\n",
  );
});

test("`formatTime()` prints UTC to the second, and - for no time", () => {
  assert.equal(formatTime(Date.UTC(2026, 11, 1, 11, 22, 33, 456)), "2026-12-01T11:22:33Z");
  assert.equal(formatTime(null), "-");
  assert.equal(formatTime(0), "-");
});
