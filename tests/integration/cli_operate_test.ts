/**
 * `repid queues`, `jobs`, `requeue`, `promote`, `remove` and `purge`: the
 * operating commands run as real subprocesses against the shared Redis (a
 * key prefix of their own), each checked against what the operating API
 * reads after it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  JobCancelledError,
  type JobContext,
  Repid,
  Worker,
  type WorkerOptions,
} from "../../mod.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { runDeno, within } from "../support/subprocess.ts";
import { latch, waitFor } from "../support/wait.ts";

const prefix = testPrefix("cli-operate");
const STORE = ["--redis", REDIS_URL, "--prefix", prefix];

/** Runs `repid <args>` on the test's store to its end. */
async function repid(
  ...args: string[]
): Promise<{ code: number | null; out: string; err: string }> {
  const run = runDeno(["run", "-A", "src/cli/main.ts", ...args, ...STORE]);
  const { code } = await within(run.exited, 60_000, `repid ${args.join(" ")}`);
  return { code, out: run.stdout(), err: run.stderr() };
}

/**
 * Runs `body` while a worker on the test's store runs, with the actors
 * `setup` registers; stops the worker afterwards.
 */
async function withWorker(
  setup: (worker: Worker) => void,
  body: () => Promise<void>,
  options: WorkerOptions = {},
): Promise<void> {
  const worker = new Worker(REDIS_URL, { prefix, logger: "silent", ...options });
  setup(worker);
  const running = worker.runForever({ handleSignals: false });
  try {
    await body();
  } finally {
    await worker.stop({ graceMs: 0 });
    await running;
  }
}

/** The ids of a table's rows (its first column), heading left out. */
function ids(table: string): string[] {
  return table.trimEnd().split("\n").slice(1).filter((l) => !l.startsWith("More:")).map((l) =>
    l.split(/\s+/)[0]
  );
}

describe("`repid` operating commands on a store with finished jobs", () => {
  let producer: Repid;

  /**
   * Fills `queue` with 3 done jobs (args [0], [1], [2]), 2 failed ones and 1
   * dead one (an actor no worker has), run by a worker that is then stopped.
   */
  async function seed(queue: string): Promise<void> {
    await withWorker((worker) => {
      worker.actor(async function cli_ok(n: number) {
        return await Promise.resolve(n);
      }, { queue });
      worker.actor(async function cli_bad(): Promise<never> {
        await Promise.resolve();
        throw new RangeError("nope");
      }, { queue, retries: 0 });
    }, async () => {
      const jobs = [];
      for (const n of [0, 1, 2]) {
        jobs.push(await producer.enqueueJob("cli_ok", { queue, args: [n] }));
      }
      for (let i = 0; i < 2; i++) jobs.push(await producer.enqueueJob("cli_bad", { queue }));
      jobs.push(await producer.enqueueJob("cli_nobody", { queue }));
      for (const job of jobs) await job.waitResult({ timeoutMs: 60_000 });
    }, { unknownActorLimit: 1, unknownActorDelayMs: 10 });
  }

  before(() => {
    producer = new Repid(REDIS_URL, { prefix, logger: "silent", unknownActors: "ignore" });
  });

  after(async () => {
    await producer.close();
    await cleanup(prefix);
  });

  it("`repid queues` prints a row per queue with its counts per state; --json is producer.queues()", async () => {
    await seed("cli_counts");
    const table = await repid("queues");
    assert.equal(table.code, 0, table.err);
    const [header, ...rows] = table.out.trimEnd().split("\n");
    assert.match(
      header,
      /^QUEUE +PAUSED +QUEUED +DEFERRED +ACTIVE +DONE +FAILED +DEAD +CANCELLED$/,
    );
    assert.ok(rows.some((r) => /^cli_counts +no +0 +0 +0 +3 +2 +1 +0$/.test(r)), table.out);
    const json = await repid("queues", "--json");
    assert.equal(json.code, 0, json.err);
    assert.deepEqual(JSON.parse(json.out), await producer.queues());
  });

  it("`repid jobs <queue> --state S --limit N` pages newest first; --cursor gives the next page", async () => {
    await seed("cli_pages");
    const q = producer.queue("cli_pages");
    const first = await repid("jobs", "cli_pages", "--state", "done", "--limit", "2");
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^ID +ACTOR +ARGS +ATTEMPTS +ENQUEUED +FINISHED +ERROR\n/);
    const api = await q.jobs({ state: "done", limit: 2 });
    assert.deepEqual(ids(first.out), api.jobs.map((j) => j.id));
    assert.match(first.out, /^\S+ +cli_ok +\[[012]\] +1 +20\d\d-/m, "with its args");
    const cursor = /^More: add --cursor (\S+)$/m.exec(first.out)?.[1];
    assert.ok(cursor, first.out);
    const second = await repid(
      "jobs",
      "cli_pages",
      "--state",
      "done",
      "--limit",
      "2",
      "--cursor",
      cursor,
    );
    assert.equal(second.code, 0, second.err);
    assert.deepEqual(
      ids(second.out),
      (await q.jobs({ state: "done", limit: 2, cursor })).jobs.map((j) => j.id),
    );
    assert.equal(ids(second.out).length, 1);
    assert.doesNotMatch(second.out, /More:/, "the last page");
    const json = await repid("jobs", "cli_pages", "--state", "failed", "--json");
    assert.equal(json.code, 0, json.err);
    assert.deepEqual(JSON.parse(json.out), await q.jobs({ state: "failed", limit: 20 }));
    const failed = await repid("jobs", "cli_pages", "--state", "failed");
    assert.match(failed.out, /^\S+ +cli_bad +\[\] +1 +\S+ +\S+ +RangeError: nope$/m);
  });

  it("`repid jobs` refuses a wrong state, limit or cursor (exit 2) and names an unknown queue (exit 1)", async () => {
    await seed("cli_bad_input");
    const cases: [string[], number, RegExp][] = [
      [["jobs", "cli_bad_input"], 2, /^error: no --state given: one of queued, deferred, active, /],
      [["jobs", "cli_bad_input", "--state", "zombie"], 2, /--state is "zombie", expected one of/],
      [["jobs", "cli_bad_input", "--state", "done", "--limit", "0"], 2, /from 1 to 1000/],
      [["jobs", "cli_bad_input", "--state", "done", "--limit", "1001"], 2, /from 1 to 1000/],
      [["jobs", "cli_bad_input", "--state", "done", "--cursor", "nope"], 2, /cursor "nope"/],
      [
        ["jobs", "cli_no_such_queue", "--state", "done"],
        1,
        /no job or schedule was ever added to queue "cli_no_such_queue"/,
      ],
      [
        ["purge", "cli_bad_input", "--state", "active"],
        2,
        /--state is "active", expected one of queued, deferred, done/,
      ],
      [
        ["requeue", "cli_bad_input", "--state", "queued"],
        2,
        /--state is "queued", expected one of done, failed, dead, cancelled/,
      ],
    ];
    for (const [args, code, message] of cases) {
      const out = await repid(...args);
      assert.equal(out.code, code, `${args.join(" ")}: ${out.err}`);
      assert.match(out.err, message);
      assert.equal(out.err.split("\n").length, 2, "one line");
      assert.equal(out.out, "");
    }
  });

  it("`repid requeue <id>` runs a failed job again; a job not finished is not requeued (exit 1)", async () => {
    await seed("cli_requeue_one");
    const q = producer.queue("cli_requeue_one");
    const [failed] = (await q.jobs({ state: "failed", limit: 1 })).jobs;
    const done = await repid("requeue", failed.id, "--queue", "cli_requeue_one");
    assert.equal(done.code, 0, done.err);
    assert.equal(
      done.out,
      `Requeued job "${failed.id}" in queue "cli_requeue_one": it is queued again, ` +
        "with a fresh attempt budget.\n",
    );
    const info = await (await producer.getJob(failed.id, { queue: "cli_requeue_one" }))!.info();
    assert.equal(info?.status, "queued");
    assert.equal(info?.errors.length, 1, "its earlier error is kept");
    const again = await repid("requeue", failed.id, "--queue", "cli_requeue_one", "--json");
    assert.equal(again.code, 1);
    assert.deepEqual(JSON.parse(again.out), {
      id: failed.id,
      queue: "cli_requeue_one",
      requeued: false,
      status: "queued",
    });
  });

  it("`repid requeue <queue> --state dead` (or --queue Q) requeues every job of the state and says how many", async () => {
    await seed("cli_requeue_all");
    const q = producer.queue("cli_requeue_all");
    const dead = await repid("requeue", "cli_requeue_all", "--state", "dead");
    assert.equal(dead.code, 0, dead.err);
    assert.equal(dead.out, "Requeued 1 dead job of queue cli_requeue_all.\n");
    const failed = await repid(
      "requeue",
      "--queue",
      "cli_requeue_all",
      "--state",
      "failed",
      "--json",
    );
    assert.equal(failed.code, 0, failed.err);
    assert.deepEqual(JSON.parse(failed.out), {
      queue: "cli_requeue_all",
      state: "failed",
      requeued: 2,
    });
    const counts = await q.counts();
    assert.deepEqual([counts.queued, counts.dead, counts.failed, counts.done], [3, 0, 0, 3]);
    const twice = await repid("requeue", "cli_requeue_all", "--queue", "x", "--state", "dead");
    assert.equal(twice.code, 2);
    assert.match(twice.err, /^error: give the queue once: cli_requeue_all or --queue x\n$/);
  });

  it("`repid promote <id>` makes a deferred job due now: a worker runs it; again: not promoted (exit 1)", async () => {
    const job = await producer.enqueueJob("cli_later", {
      queue: "cli_promote",
      args: [7],
      deferUntil: new Date(Date.now() + 3_600_000),
    });
    assert.equal(await job.status(), "deferred");
    const out = await repid("promote", job.id, "--queue", "cli_promote");
    assert.equal(out.code, 0, out.err);
    assert.equal(
      out.out,
      `Promoted job "${job.id}" in queue "cli_promote": it is due now, a worker takes it next.\n`,
    );
    await withWorker((worker) => {
      worker.actor(async function cli_later(n: number) {
        return await Promise.resolve(n + 1);
      }, { queue: "cli_promote" });
    }, async () => {
      assert.equal((await job.waitResult({ timeoutMs: 60_000 })).value, 8);
    });
    const again = await repid("promote", job.id, "--queue", "cli_promote");
    assert.equal(again.code, 1);
    assert.equal(again.out, `Not promoted: job "${job.id}" in queue "cli_promote" is done.\n`);
  });

  it("`repid remove <id>` deletes the job; then there is no such job (exit 1)", async () => {
    const job = await producer.enqueueJob("cli_gone", { queue: "cli_remove" });
    const text = await repid("remove", job.id, "--queue", "cli_remove");
    assert.equal(text.out, `Removed job "${job.id}" in queue "cli_remove" (it was queued).\n`);
    const other = await producer.enqueueJob("cli_gone", { queue: "cli_remove" });
    const out = await repid("remove", other.id, "--queue", "cli_remove", "--json");
    assert.equal(out.code, 0, out.err);
    assert.deepEqual(JSON.parse(out.out), {
      id: other.id,
      queue: "cli_remove",
      removed: true,
      status: "queued",
    });
    assert.equal(await producer.getJob(other.id, { queue: "cli_remove" }), null);
    const again = await repid("remove", job.id, "--queue", "cli_remove");
    assert.equal(again.code, 1);
    assert.equal(again.err, `error: no job "${job.id}" in queue "cli_remove"\n`);
  });

  it("`repid cancel <id>` of a deferred job: it never starts; again: not cancelled (exit 1)", async () => {
    const job = await producer.enqueueJob("cli_never", {
      queue: "cli_cancel",
      deferUntil: new Date(Date.now() + 3_600_000),
    });
    const out = await repid("cancel", job.id, "--queue", "cli_cancel");
    assert.equal(out.code, 0, out.err);
    assert.equal(
      out.out,
      `Cancelled job "${job.id}" in queue "cli_cancel": it will not run (again).\n`,
    );
    assert.equal((await job.waitResult({ timeoutMs: 60_000 })).status, "cancelled");
    const again = await repid("cancel", job.id, "--queue", "cli_cancel", "--json");
    assert.equal(again.code, 1);
    assert.deepEqual(JSON.parse(again.out), {
      id: job.id,
      queue: "cli_cancel",
      cancelled: false,
      status: "cancelled",
    });
  });

  it("`repid cancel <id>` of a running job aborts its signal on the worker (another process)", async () => {
    const started = latch();
    let reason: unknown;
    await withWorker((worker) => {
      worker.actor(async function cli_long(this: JobContext) {
        const signal = this.signal;
        started.open();
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        reason = signal.reason;
        return "late";
      }, { queue: "cli_cancel_running", retries: 3 });
    }, async () => {
      const job = await producer.enqueueJob("cli_long", { queue: "cli_cancel_running" });
      await started.opened;
      const out = await repid("cancel", job.id, "--queue", "cli_cancel_running");
      assert.equal(out.code, 0, out.err);
      const result = await job.waitResult({ timeoutMs: 60_000 });
      assert.equal(result.status, "cancelled");
      assert.equal(result.value, null, "the late value is discarded");
      await waitFor("the actor to see the abort", () => reason !== undefined);
      assert.ok(reason instanceof JobCancelledError, String(reason));
    });
  });

  it("`repid pause <queue>` pauses it (shown by `queues`); `resume` lets a worker run its waiting job", async () => {
    const job = await producer.enqueueJob("cli_paused", { queue: "cli_pause", args: [1] });
    const paused = await repid("pause", "cli_pause");
    assert.equal(paused.code, 0, paused.err);
    assert.equal(
      paused.out,
      "Paused queue cli_pause: no worker starts a new job of it until resume.\n",
    );
    assert.equal(await producer.queue("cli_pause").isPaused(), true);
    const again = await repid("pause", "cli_pause", "--json");
    assert.equal(again.code, 0, again.err);
    assert.deepEqual(JSON.parse(again.out), { queue: "cli_pause", paused: true, changed: false });
    const listed = await repid("queues");
    assert.match(listed.out, /^cli_pause +yes +1 +0 +0 +0 +0 +0 +0$/m);

    await withWorker((worker) => {
      worker.actor(async function cli_paused(n: number) {
        return await Promise.resolve(n + 1);
      }, { queue: "cli_pause" });
    }, async () => {
      const resumed = await repid("resume", "cli_pause");
      assert.equal(resumed.code, 0, resumed.err);
      assert.equal(resumed.out, "Resumed queue cli_pause.\n");
      assert.equal((await job.waitResult({ timeoutMs: 60_000 })).value, 2);
    });
    const notPaused = await repid("resume", "cli_pause");
    assert.equal(notPaused.out, "Queue cli_pause was not paused.\n");
    const unknown = await repid("pause", "cli_no_such_queue");
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /^error: Cannot pause queue: no job or schedule was ever added/);
  });

  it("`repid purge <queue> --state done` deletes the done jobs and says how many", async () => {
    await seed("cli_purge");
    const out = await repid("purge", "cli_purge", "--state", "done");
    assert.equal(out.code, 0, out.err);
    assert.equal(out.out, "Purged 3 done jobs of queue cli_purge.\n");
    const counts = await producer.queue("cli_purge").counts();
    assert.deepEqual([counts.done, counts.failed, counts.dead], [0, 2, 1]);
    const json = await repid("purge", "cli_purge", "--state", "failed", "--json");
    assert.deepEqual(JSON.parse(json.out), { queue: "cli_purge", state: "failed", purged: 2 });
  });
});
