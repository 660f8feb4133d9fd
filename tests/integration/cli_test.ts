/**
 * `deno task worker`: the real command, run as a subprocess.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Repid } from "../../mod.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { ROOT, runDeno, within } from "../support/subprocess.ts";

const CLI = ["run", "-A", "src/cli/main.ts", "worker"];
const FIXTURES = "tests/integration/fixtures";

test("`deno task worker --help` names the command as typed, prints every option, and exits 0", async () => {
  const run = runDeno(["task", "-q", "worker", "--help"]);
  const { code } = await within(run.exited, 60_000, "worker --help");
  assert.equal(code, 0);
  const help = run.stdout();
  assert.match(help, /^Usage: deno task worker <module> \[options\]/);
  for (
    const flag of [
      "--queues",
      "--concurrency",
      "--prefix",
      "--redis",
      "--redis-url",
      "--log-level",
      "--lease-ms",
      "--grace-ms",
      "--help",
    ]
  ) {
    assert.ok(help.includes(flag), `help mentions ${flag}`);
  }
  assert.equal(run.stderr(), "");
});

test("`repid worker` with a missing module exits 1 with one error line", async () => {
  const run = runDeno([...CLI, `${FIXTURES}/no_such_module.ts`]);
  const { code } = await within(run.exited, 60_000, "worker with a missing module");
  assert.equal(code, 1);
  assert.equal(
    run.stderr().trim().split("\n").length,
    1,
    `one line expected, got:\n${run.stderr()}`,
  );
  assert.match(
    run.stderr(),
    /^error: Cannot load module "tests\/integration\/fixtures\/no_such_module\.ts": no such file/,
  );
  assert.doesNotMatch(run.stderr(), /\bat .*:\d+:\d+/, "no stack trace");
});

test("`repid worker` with a module that exports no actor exits 1 with one error line", async () => {
  const run = runDeno([...CLI, `${FIXTURES}/cli_no_actors.ts`]);
  const { code } = await within(run.exited, 60_000, "worker with an actor-less module");
  assert.equal(code, 1);
  assert.equal(
    run.stderr(),
    `error: Cannot run worker: module "${FIXTURES}/cli_no_actors.ts" exports no actor ` +
      `(export functions, or definitions made with defineActor())\n`,
  );
});

test("`repid worker` refuses an unknown flag and a bad number with exit code 2", async () => {
  const unknown = runDeno([...CLI, `${FIXTURES}/cli_actors.ts`, "--colour", "red"]);
  const badNumber = runDeno([...CLI, `${FIXTURES}/cli_actors.ts`, "--concurrency", "lots"]);
  assert.equal((await within(unknown.exited, 60_000, "unknown flag")).code, 2);
  assert.equal(unknown.stderr(), "error: unknown option --colour (see --help)\n");
  assert.equal((await within(badNumber.exited, 60_000, "bad number")).code, 2);
  assert.equal(
    badNumber.stderr(),
    'error: option --concurrency is "lots", expected a whole number ≥ 1\n',
  );
});

test("`repid worker` runs the module's actors of the chosen queues until SIGTERM", async () => {
  const prefix = testPrefix("cli");
  const producer = new Repid(REDIS_URL, { prefix });
  const run = runDeno([
    ...CLI,
    `${FIXTURES}/cli_actors.ts`,
    "--queues",
    "default",
    "--concurrency",
    "2",
    "--prefix",
    prefix,
    "--redis-url",
    REDIS_URL,
  ]);
  try {
    const job = await producer.enqueueJob("cli_double", { args: [21] });
    const result = await job.waitResult({ timeoutMs: 60_000 });
    assert.equal(result.status, "done");
    assert.equal(result.value, 42);

    run.signal("SIGTERM");
    const { code, signal } = await within(run.exited, 60_000, "worker exit after SIGTERM");
    assert.equal(code, 0, `${signal}\n${run.stdout()}\n${run.stderr()}`);
    const out = run.stdout();
    assert.match(out, /INFO +repid: worker started .*"actors":\["cli_double"\]/);
    assert.match(out, new RegExp(`INFO +repid: job started .*"id":"${job.id}"`));
    assert.match(out, new RegExp(`INFO +repid: job done .*"id":"${job.id}"`));
    assert.match(out, /received SIGTERM, stopping/);
    assert.match(out, /INFO +repid: worker stopped/);
  } finally {
    run.kill();
    await producer.close();
    await cleanup(prefix);
  }
});

test("`repid worker` names the file and line of a syntax error in the actors module", async () => {
  const run = runDeno([...CLI, "scripts/npm_pack/broken_actors.mjs"]);
  const { code } = await within(run.exited, 60_000, "worker with a syntax error");
  assert.equal(code, 1);
  assert.match(run.stderr(), /^error: Cannot load module "scripts\/npm_pack\/broken_actors\.mjs"/);
  assert.match(run.stderr(), /broken_actors\.mjs:3:\d+/);
});

test("the package exports the command as `./cli` (`deno run -A jsr:@repid/repid/cli worker …`)", async () => {
  const deno = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
  const cli = deno.exports["./cli"];
  assert.equal(typeof cli, "string", "deno.json exports ./cli");
  assert.ok(deno.publish.include.some((p: string) => cli.replace(/^\.\//, "").startsWith(p)));
  const run = runDeno(["run", "-A", cli, "worker", "--help"]);
  assert.equal((await within(run.exited, 60_000, "./cli worker --help")).code, 0);
  assert.match(run.stdout(), /^Usage: deno run -A src\/cli\/main\.ts worker <module>/);
});

test("`deno task repid worker --help` names the command as typed", async () => {
  const run = runDeno(["task", "-q", "repid", "worker", "--help"]);
  assert.equal((await within(run.exited, 60_000, "repid worker --help")).code, 0, run.stderr());
  assert.match(run.stdout(), /^Usage: deno task repid worker <module> \[options\]\n/);
  assert.match(
    run.stdout(),
    /^ {2}deno task repid worker \.\/actors\.ts /m,
    "the example as typed",
  );
});

test("`repid worker` with a Redis that refuses connections exits 1, naming host, port and cause", async () => {
  const run = runDeno([
    ...CLI,
    `${FIXTURES}/cli_actors.ts`,
    "--redis-url",
    "redis://127.0.0.1:1",
    "--log-level",
    "silent",
  ]);
  const { code } = await within(run.exited, 60_000, "worker with an unreachable Redis");
  assert.equal(code, 1, run.stderr());
  assert.match(
    run.stderr(),
    /^error: Cannot start worker \(Redis at 127\.0\.0\.1:1\): .*ECONNREFUSED.*\n$/,
  );
  assert.equal(run.stdout(), "", "silent: nothing logged");
});
