/**
 * Contract tests of recurring jobs (`deferBy`, `cron`): every behaviour runs
 * once per backend in `backends`. Periods are one second; waits are on
 * results and states, with generous failure guards.
 */
// Actors are async functions, as in the guide, even when they have nothing to await.
// deno-lint-ignore-file require-await
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { type JobContext, type JobResult, type Schedule, seconds } from "../../mod.ts";
import { nextCron } from "../../src/core/schedule.ts";
import { backends, type Harness } from "../support/harness.ts";
import { waitFor } from "../support/wait.ts";

/** The due time encoded in an occurrence id (`<scheduleId>@<epochMs>`). */
function atOf(id: string): number {
  return Number(id.slice(id.lastIndexOf("@") + 1));
}

/** Waits until the occurrence due at `at` has finished and returns its result. */
function resultAt<T>(s: Schedule<T>, at: number): Promise<JobResult<T>> {
  return waitFor(`occurrence ${s.id}@${at}`, () => s.occurrence(at).getResult(), {
    timeoutMs: 30_000,
  });
}

/** Awaits the result of the pending occurrence (the one due next). */
async function nextResult<T>(s: Schedule<T>): Promise<JobResult<T>> {
  const job = await s.nextJob();
  assert.ok(job, "the schedule has a pending occurrence");
  return await job.waitResult({ timeoutMs: 30_000 });
}

for (const backend of backends) {
  describe(`[${backend.name}] recurring jobs`, () => {
    let h: Harness;
    before(() => {
      h = backend.open();
    });
    after(async () => {
      await h.close();
    });

    it("`enqueueJob()` with `deferBy` runs one period after registration, then at a fixed rate", async () => {
      const queue = "every";
      const worker = h.worker({ concurrency: 2 });
      worker.actor(async function tick(this: JobContext) {
        await delay(300); // runs take time; the rate must not drift by it
        return this.jobId;
      }, { queue });
      const running = worker.runForever({ handleSignals: false });
      const s = await h.producer().enqueueJob("tick", { queue, deferBy: seconds(1) });
      assert.equal(s.outcome, "created");
      const info = await s.info();
      assert.ok(info);
      assert.equal(info.every, 1000);
      assert.equal(
        info.nextRunAt,
        info.createdAt + 1000,
        "first run one period after registration",
      );
      assert.equal(info.anchor, info.nextRunAt);
      const anchor = info.anchor!;

      const results = [await nextResult(s), await nextResult(s), await nextResult(s)];
      assert.equal(results[0].id, `${s.id}@${anchor}`);
      let previous = -1;
      for (const r of results) {
        const at = atOf(r.id);
        assert.equal(r.value, r.id, "each occurrence's result is stored under its own id");
        assert.equal((at - anchor) % 1000, 0, `${at} is a whole number of periods after ${anchor}`);
        assert.ok(at > previous);
        assert.ok(r.startedAt! >= at, "an occurrence never starts before it is due");
        previous = at;
      }
      await s.cancel();
      await worker.stop();
      await running;
    });

    it("`deferBy` with a past `deferUntil` runs now, then skips the missed occurrences", async () => {
      const queue = "skip";
      const worker = h.worker();
      worker.actor(async function skipper() {}, { queue });
      const running = worker.runForever({ handleSignals: false });
      const anchor = Date.now() - 5_500; // five occurrences "missed while no worker ran"
      const s = await h.producer().enqueueJob("skipper", {
        queue,
        deferBy: 1000,
        deferUntil: anchor,
      });
      const first = await resultAt(s, anchor);
      assert.equal(first.success, true);
      const next = (await s.nextRunAt())!;
      assert.equal((next - anchor) % 1000, 0);
      assert.ok(next > first.startedAt!, "the next occurrence is the first one in the future");
      assert.ok(next - 1000 <= first.startedAt!, "…and not a later one");
      for (let k = 1; anchor + k * 1000 < next; k++) {
        assert.equal(await s.occurrence(anchor + k * 1000).info(), null, `missed #${k} skipped`);
      }
      await s.cancel();
      await worker.stop();
      await running;
    });

    it("`deferBy` with `catchUp` runs every missed occurrence, one after another", async () => {
      const queue = "catchup";
      const worker = h.worker();
      worker.actor(async function catcher(this: JobContext) {
        return this.jobId;
      }, { queue });
      const running = worker.runForever({ handleSignals: false });
      const anchor = Date.now() - 3_500;
      const s = await h.producer().enqueueJob("catcher", {
        queue,
        deferBy: 1000,
        deferUntil: anchor,
        catchUp: true,
      });
      assert.equal((await s.info())?.catchUp, true);
      for (let k = 0; k <= 3; k++) {
        const r = await resultAt(s, anchor + k * 1000);
        assert.equal(r.value, `${s.id}@${anchor + k * 1000}`);
      }
      await s.cancel();
      await worker.stop();
      await running;
    });

    it("`enqueueJob()` refuses a period under one second and bad cron settings", async () => {
      const producer = h.producer();
      await assert.rejects(
        producer.enqueueJob("x", { deferBy: 999 }),
        (e) => e instanceof RangeError && /deferBy is 999 ms/.test(e.message),
      );
      await assert.rejects(producer.enqueueJob("x", { cron: "61 * * * *" }), TypeError);
      await assert.rejects(
        producer.enqueueJob("x", { cron: "0 9 * * *", tz: "Nowhere/Special" }),
        RangeError,
      );
      await assert.rejects(
        producer.enqueueJob("x", { deferBy: 1000, cron: "* * * * *" } as never),
        TypeError,
      );
      assert.deepEqual(await producer.schedules(), []);
    });

    it("`enqueueJob()` with `cron` and `tz` schedules the pattern's next match in that zone", async () => {
      const queue = "cron-tz";
      const s = await h.producer().enqueueJob("report", {
        queue,
        cron: "0 9 * * *",
        tz: "Europe/Berlin",
      });
      const info = (await s.info())!;
      assert.equal(info.cron, "0 9 * * *");
      assert.equal(info.tz, "Europe/Berlin");
      assert.equal(info.every, null);
      assert.equal(info.nextRunAt, nextCron("0 9 * * *", "Europe/Berlin", info.createdAt));
      const berlin = new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Berlin",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      }).format(new Date(info.nextRunAt!));
      assert.equal(berlin, "09:00:00");
      assert.ok(info.nextRunAt! > info.createdAt);
      assert.ok(info.nextRunAt! - info.createdAt <= 86_400_000 + 3_600_000);
      const pending = await s.nextJob();
      assert.equal(await pending?.status(), "deferred");
      await s.cancel();
    });

    it("`enqueueJob()` with a per-second `cron` runs each match once, on whole seconds", async () => {
      const queue = "cron-run";
      const worker = h.worker();
      worker.actor(async function per_second(this: JobContext) {
        return this.jobId;
      }, { queue });
      const running = worker.runForever({ handleSignals: false });
      const s = await h.producer().enqueueJob("per_second", {
        queue,
        cron: "* * * * * *",
        tz: "Asia/Tokyo",
      });
      const a = await nextResult(s);
      const b = await nextResult(s);
      for (const r of [a, b]) {
        assert.equal(atOf(r.id) % 1000, 0);
        assert.ok(r.startedAt! >= atOf(r.id));
      }
      assert.ok(atOf(b.id) > atOf(a.id));
      await s.cancel();
      await worker.stop();
      await running;
    });

    it("registering the same schedule again keeps it; a changed period updates it", async () => {
      const queue = "identity";
      const producer = h.producer();
      const a = await producer.enqueueJob("greet", {
        queue,
        deferBy: 60_000,
        args: [{ name: "Ada", lang: "en" }],
      });
      const again = await producer.enqueueJob("greet", {
        queue,
        deferBy: 60_000,
        args: [{ lang: "en", name: "Ada" }], // same arguments, other key order
      });
      assert.equal(a.outcome, "created");
      assert.equal(again.outcome, "kept");
      assert.equal(again.id, a.id, "the id is derived from queue, actor and arguments");
      assert.match(a.id, /^greet~[0-9a-f]{32}$/);
      const other = await producer.enqueueJob("greet", {
        queue,
        deferBy: 60_000,
        args: [{ name: "Bob", lang: "en" }],
      });
      assert.notEqual(other.id, a.id);

      const before = (await a.info())!;
      const oldPending = await a.nextJob();
      assert.equal(await oldPending?.status(), "deferred");
      const changed = await producer.enqueueJob("greet", {
        queue,
        deferBy: 120_000,
        args: [{ name: "Ada", lang: "en" }],
      });
      assert.equal(changed.outcome, "updated");
      assert.equal(changed.id, a.id);
      const after = (await a.info())!;
      assert.equal(after.every, 120_000);
      assert.notEqual(after.nextRunAt, before.nextRunAt);
      assert.equal(await oldPending?.info(), null, "the old rule's pending occurrence is removed");
      assert.equal(await (await a.nextJob())?.status(), "deferred");
      const list = await producer.schedules({ queue });
      assert.equal(list.length, 2);

      const custom1 = await producer.enqueueJob("greet", {
        queue,
        jobId: "morning",
        deferBy: 60_000,
      });
      const custom2 = await producer.enqueueJob("greet", {
        queue,
        jobId: "morning",
        deferBy: 60_000,
        args: [{ name: "Eve" }],
      });
      assert.equal(custom1.id, "morning");
      assert.equal(custom2.outcome, "updated", "new arguments update the schedule");
      const pending = await producer.getJob((await custom2.nextJob())!.id, { queue });
      assert.deepEqual(((await custom2.info())!).args, [{ name: "Eve" }]);
      assert.ok(pending);
      for (const s of [a, other, custom1]) await s.cancel();
    });

    it("50 concurrent registrations and 5 racing workers run every occurrence exactly once", async () => {
      const queue = "race";
      const runs = new Map<string, number>();
      const workers = Array.from({ length: 5 }, () => {
        const w = h.worker({ concurrency: 2 });
        w.actor(async function raced(this: JobContext) {
          runs.set(this.jobId, (runs.get(this.jobId) ?? 0) + 1);
          await delay(50);
        }, { queue });
        return w;
      });
      const running = workers.map((w) => w.runForever({ handleSignals: false }));
      const producers = Array.from({ length: 5 }, () => h.producer());
      const handles = await Promise.all(
        Array.from(
          { length: 50 },
          (_, i) => producers[i % 5].enqueueJob("raced", { queue, deferBy: 1000 }),
        ),
      );
      assert.equal(handles.filter((s) => s.outcome === "created").length, 1);
      assert.equal(handles.filter((s) => s.outcome === "kept").length, 49);
      assert.equal(new Set(handles.map((s) => s.id)).size, 1);
      const s = handles[0];
      const anchor = (await s.info())!.anchor!;

      // The test window: until four occurrences have finished.
      await waitFor("four finished occurrences", async () => {
        const r = await s.latestResult();
        return r && atOf(r.id) >= anchor + 3_000 ? r : null;
      }, { timeoutMs: 30_000 });
      await s.cancel();
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(running);

      assert.ok(runs.size >= 4, `ran ${runs.size} occurrences`);
      for (const [id, count] of runs) {
        assert.equal(count, 1, `occurrence ${id} ran ${count} times`);
        assert.ok(id.startsWith(`${s.id}@`));
        assert.equal((atOf(id) - anchor) % 1000, 0, "one chain of occurrences, from one anchor");
      }
      assert.equal((await producers[0].schedules({ queue })).length, 0);
    });

    it("a failing occurrence follows the retry policy and the schedule goes on", async () => {
      const queue = "failing";
      let calls = 0;
      const worker = h.worker();
      worker.actor(async function flaky(this: JobContext) {
        calls++;
        if (calls <= 2) throw new Error(`attempt ${this.attempt} failed`);
        return "recovered";
      }, { queue, retries: 1 });
      const running = worker.runForever({ handleSignals: false });
      const s = await h.producer().enqueueJob("flaky", { queue, deferBy: 1000 });
      assert.equal(await s.latestResult(), null, "no occurrence has finished yet");
      const first = await nextResult(s);
      assert.equal(first.status, "failed");
      assert.equal(first.attempts, 2, "one retry after the first failure");
      assert.deepEqual(first.errors.map((e) => e.message), [
        "attempt 1 failed",
        "attempt 2 failed",
      ]);
      assert.equal((await s.latestResult())?.id, first.id);
      const second = await nextResult(s);
      assert.notEqual(second.id, first.id);
      assert.equal(second.status, "done");
      assert.equal(second.value, "recovered");
      const latest = await s.latestResult();
      assert.equal(latest?.id, second.id, "the latest finished occurrence's result");
      assert.equal(latest?.value, "recovered");
      assert.equal((await s.occurrence(atOf(first.id)).getResult())?.status, "failed");
      await s.cancel();
      await worker.stop();
      await running;
    });

    it("`schedules()` lists next run times; `pause()`, `resume()` and `cancel()` control a schedule", async () => {
      const queue = "control";
      const producer = h.producer();
      const later = await producer.enqueueJob("ctl", { queue, jobId: "later", deferBy: 120_000 });
      const sooner = await producer.enqueueJob("ctl", { queue, jobId: "sooner", deferBy: 60_000 });
      let list = await producer.schedules({ queue });
      assert.deepEqual(list.map((s) => s.id), ["sooner", "later"], "soonest next run first");
      assert.equal(list[0].nextRunAt, await sooner.nextRunAt());
      assert.equal(list[0].status, "active");
      assert.equal(list[1].every, 120_000);

      const pending = (await sooner.nextJob())!;
      assert.equal(await sooner.pause(), true);
      assert.equal(await sooner.nextRunAt(), null);
      assert.equal(await sooner.nextJob(), null);
      assert.equal(await pending.info(), null, "the pending occurrence is removed while paused");
      list = await producer.schedules({ queue });
      assert.equal(list.find((s) => s.id === "sooner")?.status, "paused");
      const reRegistered = await producer.enqueueJob("ctl", {
        queue,
        jobId: "sooner",
        deferBy: 60_000,
      });
      assert.equal(reRegistered.outcome, "kept");
      assert.equal((await sooner.info())?.status, "paused", "registering again keeps it paused");

      const worker = h.worker();
      let ran = 0;
      worker.actor(async function ctl() {
        ran++;
      }, { queue });
      const running = worker.runForever({ handleSignals: false });
      const resumeFrom = Date.now();
      assert.equal(await sooner.resume(), true);
      const next = (await sooner.nextRunAt())!;
      assert.ok(next >= resumeFrom, "resumed with an occurrence after the current time");
      assert.equal(await (await sooner.nextJob())?.status(), "deferred");

      assert.equal(await later.cancel(), true);
      assert.equal(await later.info(), null);
      assert.equal(await later.cancel(), false);
      assert.deepEqual((await producer.schedules({ queue })).map((s) => s.id), ["sooner"]);
      const found = await producer.getSchedule("sooner", { queue });
      assert.equal(found?.id, "sooner");
      assert.equal(await producer.getSchedule("later", { queue }), null);
      assert.equal(await sooner.cancel(), true);
      await worker.stop();
      await running;
      assert.equal(ran, 0, "no occurrence was due within the test");
    });

    it("a resumed schedule runs again", async () => {
      const queue = "resume-run";
      const worker = h.worker();
      worker.actor(async function resumed(this: JobContext) {
        return this.jobId;
      }, { queue });
      const running = worker.runForever({ handleSignals: false });
      const s = await h.producer().enqueueJob("resumed", { queue, deferBy: 1000 });
      await s.pause();
      assert.equal(await s.nextJob(), null);
      await s.resume();
      const r = await nextResult(s);
      assert.equal(r.success, true);
      await s.cancel();
      await worker.stop();
      await running;
    });

    it("`deferUntil` with `deferBy` holds the first occurrence until then", async () => {
      const queue = "until-every";
      const worker = h.worker();
      worker.actor(async function held(this: JobContext) {
        return this.jobId;
      }, { queue });
      const running = worker.runForever({ handleSignals: false });
      const until = Date.now() + 2_000;
      const s = await h.producer().enqueueJob("held", {
        queue,
        deferBy: 60_000,
        deferUntil: until,
      });
      assert.equal(await s.nextRunAt(), until);
      const first = await nextResult(s);
      assert.equal(first.id, `${s.id}@${until}`);
      assert.ok(first.startedAt! >= until);
      assert.equal(await s.nextRunAt(), until + 60_000, "then every period from deferUntil");
      await s.cancel();
      await worker.stop();
      await running;
    });

    it("`deferUntil` with `cron` holds the first occurrence until the first match after it", async () => {
      const queue = "until-cron";
      const worker = h.worker();
      worker.actor(async function held_cron(this: JobContext) {
        return this.jobId;
      }, { queue });
      const running = worker.runForever({ handleSignals: false });
      const until = Date.now() + 2_500;
      const s = await h.producer().enqueueJob("held_cron", {
        queue,
        cron: "* * * * * *",
        deferUntil: until,
      });
      const firstAt = (await s.nextRunAt())!;
      assert.equal(firstAt, Math.ceil(until / 1000) * 1000);
      const first = await nextResult(s);
      assert.equal(atOf(first.id), firstAt);
      assert.ok(first.startedAt! >= until);
      await s.cancel();
      await worker.stop();
      await running;
    });
  });
}
