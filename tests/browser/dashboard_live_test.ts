/**
 * The dashboard follows a running job live in Chromium: its page shows it
 * in progress and, once the job finishes, shows it done without a reload
 * by hand.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type JobContext, Repid, Worker } from "../../mod.ts";
import { dashboard } from "../../src/dashboard/mod.ts";
import {
  type DashboardInBrowser,
  openDashboard,
  screenshot,
  watchPage,
} from "../support/browser.ts";

describe("a job's page in Chromium", () => {
  const store = `memory://dashboard-live-${crypto.randomUUID()}`;
  const producer = new Repid(store, { logger: "silent" });
  const worker = new Worker(store, { logger: "silent" });
  let running: Promise<void>;
  let ui: DashboardInBrowser;
  const started = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();

  before(async () => {
    worker.actor(async function hold(this: JobContext, name: string) {
      this.progress(0.5);
      started.resolve();
      await release.promise;
      return `held ${name}`;
    });
    running = worker.runForever({ handleSignals: false });
    ui = await openDashboard(dashboard({ producer }));
  });

  after(async () => {
    release.resolve();
    await ui?.close();
    await worker.stop();
    await running;
    await producer.close();
  });

  it("shows a running job in progress with its progress, then done once it finishes, by itself", async () => {
    const job = await producer.enqueueJob("hold", { args: ["tight"] });
    const reported = Promise.withResolvers<unknown>();
    const stop = await job.onProgress((p) => reported.resolve(p));
    await started.promise;
    // The first report is written at once; wait until the store has it.
    if ((await job.progress()) === undefined) assert.equal(await reported.promise, 0.5);
    await stop();
    const page = await ui.browser.newPage();
    const seen = watchPage(page);
    await page.goto(`${ui.origin}/queues/default/jobs/${job.id}`);
    assert.equal(await page.locator("h1 .badge").innerText(), "in progress");
    assert.equal(await page.locator("[data-job-live]").count(), 1);
    assert.equal(await page.locator("progress").getAttribute("value"), "50.0");
    release.resolve();
    assert.equal((await job.result).status, "done");
    await page.waitForSelector("h1 .badge.state-done"); // the page's script reloaded it
    assert.match(await page.locator("pre.result").innerText(), /"held tight"/);
    assert.equal(await page.locator("[data-job-live]").count(), 0, "a finished job is not polled");
    await screenshot(page, "job-done-live");
    assert.deepEqual(seen, { dialogs: [], errors: [] });
    await page.close();
  });
});
