/**
 * A dead job's page in Chromium: a job whose first attempt threw, and whose
 * next attempt never ended because its worker was killed (Redis, workers in
 * other processes) or its lease ran out (the memory store), is
 * dead-lettered as `stalled`; its page shows it dead, the reason, and the
 * stack of the error the actor threw.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { Redis } from "ioredis";
import { type JobContext, MemoryBackend, Repid, Worker } from "../../mod.ts";
import { dashboard } from "../../src/dashboard/mod.ts";
import {
  type DashboardInBrowser,
  openDashboard,
  screenshot,
  watchPage,
} from "../support/browser.ts";
import { cleanup, REDIS_URL, testPrefix } from "../support/redis.ts";
import { type Run, runDeno } from "../support/subprocess.ts";
import { IMPORT_OPTIONS, importReport } from "./fixtures/reports.ts";

const REPORT = "totals only";

/**
 * Opens the job's page and checks what it tells of the dead job; returns
 * what the page showed of script (see `watchPage`), for what follows.
 */
async function assertDeadJobPage(
  page: Page,
  url: string,
  stalls: number,
): Promise<ReturnType<typeof watchPage>> {
  const seen = watchPage(page);
  await page.goto(url);
  assert.equal(await page.locator("h1 .badge.state-dead").innerText(), "dead");
  const fact = (name: string) => page.locator(`dl.facts dt:text-is("${name}") + dd`).innerText();
  assert.equal(await fact("Reason"), "stalled");
  assert.equal(await fact("Stalls"), String(stalls));
  // Attempt 1 ended with its error; attempt 2 never ended (it was run twice).
  assert.equal(await fact("Attempts"), "1");
  assert.equal(await fact("Deliveries"), "2");
  // Attempt 1's error, then the store's verdict.
  const titles = await page.locator(".attempt h3").allInnerTexts();
  assert.equal(titles.length, 2);
  assert.equal(titles[0], `Attempt 1 Error: report ${JSON.stringify(REPORT)} has no header`);
  assert.equal(
    titles[1],
    `Final StalledJobError: Lease expired ${stalls} times: the job stalled or killed its worker each time`,
  );
  // The stack of the actor's error, down to the function that threw.
  assert.match(
    await page.locator("pre.stack").first().innerText(),
    /^Error: report "totals only" has no header\n\s+at readReportHeader \(.*reports\.ts:\d+:\d+\)\n\s+at (JobContext\.)?import_report /,
  );
  assert.match(await page.locator("pre.args").innerText(), /"totals only"/);
  assert.deepEqual(seen, { dialogs: [], errors: [] });
  return seen;
}

describe("a dead job's page on Redis, its workers killed in other processes", () => {
  const prefix = testPrefix("dashboard-dead");
  const hanging = `${prefix}:test:hanging`;
  const workers = new Set<Run>(); // those still running
  let ui: DashboardInBrowser;
  const producer = new Repid(REDIS_URL, { prefix, logger: "silent" });
  const redis = new Redis(REDIS_URL);
  const startWorker = (): Run => {
    const run = runDeno(["run", "-A", "tests/browser/fixtures/stalling_worker.ts"], {
      REPID_DASH_PREFIX: prefix,
      REPID_DASH_REDIS_URL: REDIS_URL,
    });
    workers.add(run);
    return run;
  };

  before(async () => {
    ui = await openDashboard(dashboard({ redis: REDIS_URL, prefix }));
  });

  after(async () => {
    await ui?.close();
    await producer.close();
    await redis.quit();
    for (const run of workers) {
      run.signal("SIGTERM");
      await run.exited;
      run.kill();
    }
    await cleanup(prefix);
  });

  it("shows the job dead as stalled, with the stack of the error its first attempt threw", async () => {
    const job = await producer.enqueueJob("import_report", {
      queue: IMPORT_OPTIONS.queue,
      args: [REPORT],
    });
    const listener = redis.duplicate();
    try {
      // Attempt 1 throws and is retried; attempt 2 hangs and its worker is
      // killed; the next worker takes the job back (one stall) and runs
      // attempt 2 again, and is killed too.
      for (let kill = 0; kill < 2; kill++) {
        const run = startWorker();
        assert.deepEqual(await listener.blpop(hanging, 60), [hanging, "2"]);
        run.child.kill("SIGKILL");
        assert.equal((await run.exited).signal, "SIGKILL");
        workers.delete(run);
      }
    } finally {
      listener.disconnect();
    }
    // A third worker finds the lease expired once more than maxStalls (1).
    startWorker();
    const result = await job.result;
    assert.equal(result.status, "dead");
    assert.equal(result.reason, "stalled");
    assert.equal(result.error?.name, "StalledJobError");
    const page = await ui.browser.newPage();
    await assertDeadJobPage(page, `${ui.origin}/queues/${IMPORT_OPTIONS.queue}/jobs/${job.id}`, 2);
    await screenshot(page, "job-dead");
    await page.close();
  });
});

describe("a dead job's page on the memory store, its leases run out", () => {
  // The store's clock, moved on by the test: a lease runs out at once.
  let skew = 0;
  const backend = new MemoryBackend({ now: () => Date.now() + skew });
  const producer = new Repid(null, { backend });
  const worker = new Worker(null, {
    backend,
    logger: "silent",
    leaseMs: 60_000, // renewed every 20 s: not before the test moves the clock on
    idleMs: 20,
    maxStalls: 1,
  });
  const hangs: ((job: JobContext) => void)[] = [];
  const nextHang = () => new Promise<JobContext>((resolve) => hangs.push(resolve));
  let running: Promise<void>;
  let ui: DashboardInBrowser;

  before(async () => {
    worker.actor(importReport((job) => hangs.shift()?.(job)), IMPORT_OPTIONS);
    ui = await openDashboard(dashboard({ producer }));
  });

  after(async () => {
    await ui?.close();
    await worker.stop({ graceMs: 0 });
    await running;
    await producer.close();
    await backend.close();
  });

  it('shows the job dead as stalled with its actor\'s stack, and "Requeue all dead" runs it again', async () => {
    let hang = nextHang();
    running = worker.runForever({ handleSignals: false });
    const job = await producer.enqueueJob("import_report", {
      queue: IMPORT_OPTIONS.queue,
      args: [REPORT],
    });
    for (let expiry = 0; expiry < 2; expiry++) {
      assert.equal((await hang).attempt, 2);
      hang = nextHang();
      skew += 120_000; // past the lease: the worker's next fetch takes the job back
    }
    const result = await job.result;
    assert.equal(result.status, "dead");
    assert.equal(result.reason, "stalled");
    const page = await ui.browser.newPage();
    const seen = await assertDeadJobPage(
      page,
      `${ui.origin}/queues/${IMPORT_OPTIONS.queue}/jobs/${job.id}`,
      2,
    );
    await screenshot(page, "job-dead-memory");
    // "Requeue all dead" on the queue's page (its confirm dialog accepted) sends it to the worker again.
    await page.goto(`${ui.origin}/queues/${IMPORT_OPTIONS.queue}?state=dead`);
    assert.deepEqual(
      await page.locator("tr[data-job]").evaluateAll((rows) =>
        rows.map((r) => r.getAttribute("data-job"))
      ),
      [job.id],
    );
    await page.getByRole("button", { name: "Requeue all dead" }).click();
    await page.locator(".notice").filter({ hasText: "Requeued 1 dead job of dash-reports." })
      .waitFor();
    assert.equal((await hang).jobId, job.id);
    assert.equal((await producer.queue(IMPORT_OPTIONS.queue).counts()).dead, 0);
    assert.deepEqual(seen, { dialogs: [], errors: [] });
    await page.close();
  });
});
