/**
 * Flow control across worker processes on Redis: a group's limit holds for
 * the jobs of three worker processes together; a SIGKILLed worker's group
 * slot comes back with its lease; a queue's rate limit holds for three worker
 * processes together; a rate-limited worker waits for the next
 * free slot without polling (commands counted on a redis-server of the
 * test's own, as in redis_idle_test.ts); three worker processes start every
 * higher priority first and never an expired job; groups take turns across
 * three worker processes.
 */
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { Repid, Worker } from "../../mod.ts";
import { type ChildScript, spawnScript } from "../support/child_script.ts";
import { countByName } from "../support/command_recorder.ts";
import { withRecordedServer } from "../support/recorded_server.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { maxOverlap } from "../support/overlap.ts";

const FIXTURE = fileURLToPath(new URL("./fixtures/group_worker.ts", import.meta.url));

/** The [start, end] of each run the children printed, by group. */
function runsByGroup(children: ChildScript[]): Map<string, { start: number; end: number }[]> {
  const starts = new Map<string, number>();
  const out = new Map<string, { start: number; end: number }[]>();
  for (const line of children.flatMap((c) => c.lines)) {
    const m = line.match(/^(start|end) (\S+) (\S+) (\d+)$/);
    if (!m) continue;
    const [, kind, name, group, at] = m;
    if (kind === "start") starts.set(name, Number(at));
    else {
      const list = out.get(group) ?? [];
      list.push({ start: starts.get(name)!, end: Number(at) });
      out.set(group, list);
    }
  }
  return out;
}

/** Asserts that jobs started in two or more of `children`. */
function assertSeveralProcesses(children: ChildScript[]): void {
  const busy = children.filter((c) => c.lines.some((l) => l.startsWith("start")));
  assert.ok(busy.length >= 2, `the jobs ran in several processes (${busy.length})`);
}

/** Stops the worker processes, closes the producer and deletes the test's keys. */
async function tearDown(
  children: (ChildScript | undefined)[],
  producer: Repid,
  prefix: string,
): Promise<void> {
  await Promise.all(children.map((c) => c?.close()));
  await producer.close();
  await cleanup(prefix);
}

test("groups: three worker processes never run more than a group's concurrency of its jobs at once", async () => {
  const prefix = testPrefix("flow-processes");
  const producer = new Repid(REDIS_URL, { prefix });
  const children = [0, 1, 2].map(() =>
    spawnScript(FIXTURE, { REPID_PREFIX: prefix, REPID_CONCURRENCY: "2" })
  );
  try {
    await producer.queue("flow").setGroupLimits({ concurrency: 2 });
    await Promise.all(children.map((c) => c.waitForLine(/^worker ready/)));
    const jobs = await producer.enqueueJobs(
      ["a", "b", "c"].flatMap((g) =>
        Array.from({ length: 10 }, (_, i) => ({
          actor: "group_probe",
          queue: "flow",
          args: [`${g}${i}`, g, 40],
          group: g,
        }))
      ),
    );
    const results = await Promise.all(jobs.map((j) => j.waitResult({ timeoutMs: 60_000 })));
    assert.ok(results.every((r) => r.status === "done"));
    const runs = runsByGroup(children);
    for (const g of ["a", "b", "c"]) {
      assert.equal(runs.get(g)?.length, 10, `group ${g} ran its 10 jobs`);
      const overlap = maxOverlap(runs.get(g)!);
      assert.ok(overlap <= 2, `group ${g}: ${overlap} jobs at once, the limit is 2`);
    }
    assertSeveralProcesses(children);
    assert.ok(maxOverlap([...runs.values()].flat()) > 2, "the groups ran side by side");
  } finally {
    await tearDown(children, producer, prefix);
  }
});

test("groups: a SIGKILLed worker never leaks a group slot (it comes back with the lease)", async () => {
  const prefix = testPrefix("flow-sigkill");
  const producer = new Repid(REDIS_URL, { prefix });
  const env = { REPID_PREFIX: prefix, REPID_CONCURRENCY: "4", REPID_LEASE_MS: "1000" };
  const doomed = spawnScript(FIXTURE, env);
  let survivor: ChildScript | undefined;
  try {
    await producer.queue("flow").setGroupLimits({ concurrency: 1 });
    await doomed.waitForLine(/^worker ready/);
    const hang = await producer.enqueueJob("group_probe", {
      queue: "flow",
      args: ["hang", "g", 1],
      group: "g",
    });
    await doomed.waitForLine(/^start hang g/);
    const next = await producer.enqueueJob("group_probe", {
      queue: "flow",
      args: ["next", "g", 1],
      group: "g",
    });
    doomed.signal("SIGKILL");
    await doomed.exited;
    survivor = spawnScript(FIXTURE, env);
    const [r1, r2] = await Promise.all([
      hang.waitResult({ timeoutMs: 30_000 }),
      next.waitResult({ timeoutMs: 30_000 }),
    ]);
    assert.equal(r1.status, "done", "the killed job ran again once its lease expired");
    assert.equal(r1.deliveries, 2);
    assert.equal(r2.status, "done", "the group ran again: its slot was not leaked");
    assert.ok(r2.startedAt! >= r1.finishedAt!, "one job of the group at a time");
  } finally {
    await tearDown([doomed, survivor], producer, prefix);
  }
});

test("rate limit: three worker processes together start at most max jobs per window", async () => {
  const prefix = testPrefix("flow-rate");
  const producer = new Repid(REDIS_URL, { prefix });
  const children = [0, 1, 2].map(() =>
    spawnScript(FIXTURE, { REPID_PREFIX: prefix, REPID_CONCURRENCY: "4" })
  );
  try {
    const q = producer.queue("flow");
    await q.setRateLimit({ max: 3, perMs: 600_000 });
    await Promise.all(children.map((c) => c.waitForLine(/^worker ready/)));
    const jobs = await producer.enqueueJobs(
      Array.from({ length: 8 }, (_, i) => ({
        actor: "group_probe",
        queue: "flow",
        jobId: `r${i}`,
        args: [`r${i}`, "none", 1],
      })),
    );
    const firstThree = await Promise.all(
      jobs.slice(0, 3).map((j) => j.waitResult({ timeoutMs: 30_000 })),
    );
    assert.ok(firstThree.every((r) => r.status === "done"));
    const counts = await q.counts();
    assert.equal(counts.queued, 5, "the other five wait for the next window");
    assert.equal(counts.active, 0);
    const raisedAt = Date.now();
    await q.setRateLimit(null);
    const rest = await Promise.all(jobs.slice(3).map((j) => j.waitResult({ timeoutMs: 30_000 })));
    assert.ok(rest.every((r) => r.status === "done"));
    const starts = children.flatMap((c) => c.lines).filter((l) => l.startsWith("start "));
    const early = starts.filter((l) => Number(l.split(" ")[3]) < raisedAt);
    assert.equal(early.length, 3, `starts before the limit was lifted: ${early}`);
  } finally {
    await tearDown(children, producer, prefix);
  }
});

test("rate limit: a limited worker waits for the next free slot and sends few commands meanwhile", async () => {
  await withRecordedServer(6780, async (server, recorder) => {
    const producer = new Repid(server.url);
    const worker = new Worker(server.url, { logger: "silent", concurrency: 4 });
    const started: number[] = [];
    worker.actor(function limited_probe(): string {
      started.push(Date.now());
      return "ran";
    });
    try {
      await producer.queue("default").setRateLimit({ max: 2, perMs: 3_000 });
      const jobs = await producer.enqueueJobs(
        Array.from({ length: 4 }, () => ({ actor: "limited_probe" })),
      );
      void worker.runForever({ handleSignals: false });
      await jobs[0].waitResult({ timeoutMs: 30_000 });
      await jobs[1].waitResult({ timeoutMs: 30_000 });
      await recorder.flush();
      const mark = recorder.mark();
      await delay(2_000); // the window the commands are counted over (the limit holds 3 s)
      await recorder.flush();
      const sent = recorder.since(mark);
      assert.equal(started.length, 2, "no job starts while the queue is limited");
      assert.ok(
        sent.length <= 12,
        `a limited worker sent ${sent.length} commands in 2 s: ${
          JSON.stringify(countByName(sent))
        }`,
      );
      const rest = await Promise.all(jobs.slice(2).map((j) => j.waitResult({ timeoutMs: 30_000 })));
      assert.ok(rest.every((r) => r.status === "done"), "the next window's slots were taken");
      assert.ok(started[2] - started[0] >= 2_900, "the third start waited for the window");
    } finally {
      await worker.stop({ graceMs: 0 });
      await producer.close();
    }
  });
});

test("priorities and expiry: three worker processes start every higher priority first, never an expired job", async () => {
  const prefix = testPrefix("flow-prio");
  const producer = new Repid(REDIS_URL, { prefix });
  const levels = [-5, 0, 5];
  // enqueued lowest first, so that the order of enqueueing is the opposite of the priorities
  const jobs = await producer.enqueueJobs(
    levels.flatMap((priority) =>
      Array.from({ length: 6 }, (_, i) => ({
        actor: "group_probe",
        queue: "flow",
        args: [`p${priority}-${i}`, "none", 20],
        priority,
      }))
    ),
  );
  const expired = await producer.enqueueJobs([0, 1].map((i) => ({
    actor: "group_probe",
    queue: "flow",
    args: [`expired-${i}`, "none", 1],
    priority: 9,
    expiresAt: Date.now() - 1,
  })));
  // started once the jobs wait, so that every fetch chooses among all of them
  const children = [0, 1, 2].map(() =>
    spawnScript(FIXTURE, { REPID_PREFIX: prefix, REPID_CONCURRENCY: "1" })
  );
  try {
    const results = await Promise.all(jobs.map((j) => j.waitResult({ timeoutMs: 60_000 })));
    assert.ok(results.every((r) => r.status === "done"));
    // `startedAt` is the store's clock at the lease: one clock for the three processes
    const startedAt = (priority: number) =>
      results.filter((_, k) => levels[Math.floor(k / 6)] === priority).map((r) => r.startedAt!);
    assert.ok(
      Math.max(...startedAt(5)) <= Math.min(...startedAt(0)),
      `priority 5 before 0: ${startedAt(5)} / ${startedAt(0)}`,
    );
    assert.ok(
      Math.max(...startedAt(0)) <= Math.min(...startedAt(-5)),
      `priority 0 before -5: ${startedAt(0)} / ${startedAt(-5)}`,
    );
    for (const job of expired) {
      const r = await job.waitResult({ timeoutMs: 10_000 });
      assert.deepEqual([r.status, r.reason, r.startedAt], ["dead", "expired", null]);
    }
    const lines = children.flatMap((c) => c.lines);
    assert.ok(!lines.some((l) => l.startsWith("start expired")), "no expired job started");
    assertSeveralProcesses(children);
  } finally {
    await tearDown(children, producer, prefix);
  }
});

test("groups take turns across three worker processes: ten one-job groups start among the first jobs of 1,010", async () => {
  const prefix = testPrefix("flow-fair");
  const producer = new Repid(REDIS_URL, { prefix });
  const big = await producer.enqueueJobs(
    Array.from({ length: 1000 }, (_, i) => ({
      actor: "group_probe",
      queue: "flow",
      args: [`big${i}`, "big", 0],
      group: "big",
    })),
  );
  const singles = await producer.enqueueJobs(
    Array.from({ length: 10 }, (_, i) => ({
      actor: "group_probe",
      queue: "flow",
      args: [`single${i}`, `single-${i}`, 0],
      group: `single-${i}`,
    })),
  );
  const children = [0, 1, 2].map(() =>
    spawnScript(FIXTURE, { REPID_PREFIX: prefix, REPID_CONCURRENCY: "2" })
  );
  try {
    const all = await Promise.all(
      [...big, ...singles].map((j) => j.waitResult({ timeoutMs: 120_000 })),
    );
    assert.ok(all.every((r) => r.status === "done"));
    const lastSingle = Math.max(...all.slice(1000).map((r) => r.startedAt!));
    // the store's clock counts milliseconds: jobs started in the same one count as earlier
    const rank = all.filter((r) => r.startedAt! <= lastSingle).length;
    assert.ok(rank <= 30, `the last one-job group started among the first ${rank} jobs`);
    assertSeveralProcesses(children);
  } finally {
    await tearDown(children, producer, prefix);
  }
});
