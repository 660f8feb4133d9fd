/**
 * `deno task repid <command>`: the operating commands, run as real
 * subprocesses against the shared Redis (a key prefix of their own), as a
 * user or a script sees them: what they print, with and without `--json`,
 * and their exit codes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Repid, Worker } from "../../mod.ts";
import { COMMANDS } from "../../src/cli/commands.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { type Run, runDeno, within } from "../support/subprocess.ts";
import { waitFor } from "../support/wait.ts";

const CLI = ["run", "-A", "src/cli/main.ts"];

/** Runs `repid <args>` to its end: its exit code and what it printed. */
async function repid(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run: Run = runDeno([...CLI, ...args], env);
  const { code } = await within(run.exited, 60_000, `repid ${args.join(" ")}`);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

describe("`repid` help and wrong command lines", () => {
  it("`deno task repid --help` names the command as typed and lists every command", async () => {
    const run = runDeno(["task", "-q", "repid", "--help"]);
    assert.equal((await within(run.exited, 60_000, "repid --help")).code, 0, run.stderr());
    const help = run.stdout();
    assert.match(help, /^Usage: deno task repid <command> \[options\]\n/);
    for (const command of COMMANDS.map((c) => `${c.name} ${c.usage}`.trim())) {
      const listed = [" ", "\n"].some((after) => help.includes(`\n  ${command}${after}`));
      assert.ok(listed, `lists ${command}`);
    }
  });

  it("`deno task repid job --help` names the command as typed, with every option", async () => {
    const run = runDeno(["task", "-q", "repid", "job", "--help"]);
    assert.equal((await within(run.exited, 60_000, "repid job --help")).code, 0, run.stderr());
    const help = run.stdout();
    assert.match(help, /^Usage: deno task repid job <id> --queue Q \[options\]\n/);
    for (const flag of ["--queue Q", "--redis URL", "--redis-url", "--prefix P", "--json"]) {
      assert.ok(help.includes(flag), `help mentions ${flag}`);
    }
    assert.match(help, /^ {2}deno task repid job \S+ --queue emails$/m, "an example as typed");
  });

  it("every command's --help exits 0 and starts with its usage line, named as typed", async () => {
    for (const command of COMMANDS) {
      const out = await repid([command.name, "--help"]);
      assert.equal(out.code, 0, `${command.name}: ${out.stderr}`);
      assert.ok(
        out.stdout.startsWith(
          `Usage: deno run -A src/cli/main.ts ${command.name} ${command.usage}`.trimEnd(),
        ),
        out.stdout,
      );
    }
  });

  it("without a command it prints the usage and exits 2; an unknown command exits 2", async () => {
    const none = await repid([]);
    assert.equal(none.code, 2);
    assert.match(none.stdout, /^Usage: deno run -A src\/cli\/main\.ts <command>/);
    const unknown = await repid(["frobnicate"]);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /^error: unknown command "frobnicate"; the commands are queues, jobs, job, /,
    );
  });

  it("a wrong argument exits 2 with one line naming it, before connecting", async () => {
    const cases: [string[], RegExp][] = [
      [["workers", "--colour"], /^error: unknown option --colour \(see --help\)\n$/],
      [["job"], /^error: no job id given \(see --help\)\n$/],
      [["job", "a", "b"], /^error: expected one job id, got 2: a b \(see --help\)\n$/],
      [["workers", "extra"], /^error: unexpected argument extra \(see --help\)\n$/],
      [["workers", "--redis", "localhost:6379"], /^error: option --redis is "localhost:6379"/],
      [["workers", "--json=1"], /^error: option --json takes no value/],
      [["job", "a b"], /^error: Cannot read job: job id "a b" /],
      [["job", "j1", "--queue", ""], /^error: Cannot read job: queue name is empty\n$/],
      [["workers", "--prefix", "a{b}"], /^error: Cannot use option --prefix: prefix "a\{b\}" must/],
    ];
    for (const [args, message] of cases) {
      // An unreachable Redis: a command that connected would fail with 1, not 2.
      const out = await repid(args, { REDIS_URL: "redis://127.0.0.1:1" });
      assert.equal(out.code, 2, `${args.join(" ")}: ${out.stderr}`);
      assert.match(out.stderr, message);
      assert.equal(out.stdout, "");
    }
  });

  it("an unreachable Redis exits 1 with one line naming the address and the cause", async () => {
    for (const args of [["workers"], ["job", "j1", "--queue", "q"]]) {
      const out = await repid([...args, "--redis", "redis://127.0.0.1:1"]);
      assert.equal(out.code, 1, out.stderr);
      assert.match(
        out.stderr,
        /^error: Cannot (list workers|read job) \(Redis at 127\.0\.0\.1:1\): the store did not answer \(.*ECONNREFUSED.*\)\n$/,
      );
      assert.equal(out.stdout, "");
    }
  });

  it("REDIS_URL names the Redis when --redis is not given; a bad one exits 2", async () => {
    const down = await repid(["workers"], { REDIS_URL: "redis://127.0.0.1:1" });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /Redis at 127\.0\.0\.1:1/);
    const bad = await repid(["workers"], { REDIS_URL: "127.0.0.1:6379" });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: REDIS_URL is "127\.0\.0\.1:6379", expected a URL/);
  });
});

describe("`repid workers` and `repid job` on a store with work", () => {
  const prefix = testPrefix("cli-commands");
  const store = ["--redis", REDIS_URL, "--prefix", prefix];
  let producer: Repid;
  let worker: Worker;
  let running: Promise<void>;

  before(() => {
    producer = new Repid(REDIS_URL, { prefix, logger: "silent" });
    worker = new Worker(REDIS_URL, { prefix, logger: "silent", concurrency: 3 });
    worker.actor(async function cli_double(n: number) {
      return await Promise.resolve(n * 2);
    });
    worker.actor(async function cli_boom(): Promise<never> {
      await Promise.resolve();
      throw new TypeError("boom from the actor");
    }, { queue: "cli_q", retries: 1, backoff: { type: "fixed", delayMs: 1 } });
    running = worker.runForever({ handleSignals: false });
  });

  after(async () => {
    await worker.stop({ graceMs: 0 });
    await running;
    await producer.close();
    await cleanup(prefix);
  });

  it("`repid workers` lists the running worker: host, pid, queues, concurrency; --json too", async () => {
    await waitFor("the worker's registration", async () => (await producer.workers()).length);
    const table = await repid(["workers", ...store]);
    assert.equal(table.code, 0, table.stderr);
    const [header, row, ...rest] = table.stdout.trimEnd().split("\n");
    assert.match(header, /^ID +HOST +PID +QUEUES +CONCURRENCY +RUNNING +STARTED +LAST SEEN$/);
    assert.deepEqual(rest, [], table.stdout);
    assert.match(
      row,
      new RegExp(` ${process.pid} +(cli_q,default|default,cli_q) +3 +0 +20\\d\\d-`),
    );
    const json = await repid(["workers", "--json", ...store]);
    assert.equal(json.code, 0, json.stderr);
    const [listed] = JSON.parse(json.stdout);
    assert.equal(listed.pid, process.pid);
    assert.equal(listed.concurrency, 3);
    assert.deepEqual(listed.queues.sort(), ["cli_q", "default"]);
  });

  it("`repid job <id>` shows a done job's status and value; --json is the job's info", async () => {
    const job = await producer.enqueueJob("cli_double", { args: [21] });
    assert.equal((await job.result).value, 42);
    const shown = await repid(["job", job.id, ...store]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`^id +${job.id}$`, "m"));
    assert.match(shown.stdout, /^queue +default$/m);
    assert.match(shown.stdout, /^actor +cli_double$/m);
    assert.match(shown.stdout, /^status +done$/m);
    assert.match(shown.stdout, /^value +42$/m);
    assert.match(shown.stdout, /^finishedAt +20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    const json = await repid(["job", job.id, "--queue", "default", "--json", ...store]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), await job.info());
  });

  it("`repid job <id> --queue q` shows a failed job's error of each attempt", async () => {
    const job = await producer.enqueueJob("cli_boom", { queue: "cli_q" });
    assert.equal((await job.result).status, "failed");
    const shown = await repid(["job", job.id, "--queue", "cli_q", ...store]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^status +failed$/m);
    assert.match(shown.stdout, /^attempts +2$/m);
    assert.match(
      shown.stdout,
      /^errors +1\. TypeError: boom from the actor\n +2\. TypeError: boom from the actor$/m,
    );
    assert.match(shown.stdout, /^error +TypeError: boom from the actor\n +at /m, "with its stack");
  });

  it("`repid job` of an unknown id exits 1 naming the id and the queue", async () => {
    const out = await repid(["job", "no-such-job", "--queue", "cli_q", ...store]);
    assert.equal(out.code, 1);
    assert.equal(out.stderr, 'error: no job "no-such-job" in queue "cli_q"\n');
    assert.equal(out.stdout, "");
  });

  it("`--redis-url` (the worker's spelling) works for every command", async () => {
    const out = await repid(["workers", "--json", "--redis-url", REDIS_URL, "--prefix", prefix]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(JSON.parse(out.stdout).length, 1);
  });

  it("`repid workers` on a prefix no worker uses says so; --json prints []", async () => {
    const other = testPrefix("cli-no-workers");
    const out = await repid(["workers", "--redis", REDIS_URL, "--prefix", other]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, "No worker is running.\n");
    const json = await repid(["workers", "--json", "--redis", REDIS_URL, "--prefix", other]);
    assert.deepEqual(JSON.parse(json.stdout), []);
  });
});
