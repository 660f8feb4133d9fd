/**
 * The dashboard follows a running job live in Chromium: its page shows it
 * in progress and, once the job finishes, shows it done without a reload
 * by hand.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { Repid, Worker } from "../../mod.ts";
import { dashboard, nodeListener } from "../../src/dashboard/mod.ts";
import {
  launchBrowser,
  screenshot,
  serve,
  type TestServer,
  watchPage,
} from "../support/browser.ts";

describe("a job's page in Chromium", () => {
  const store = `memory://dashboard-live-${crypto.randomUUID()}`;
  const producer = new Repid(store, { logger: "silent" });
  const worker = new Worker(store, { logger: "silent" });
  let running: Promise<void>;
  let browser: Browser;
  let app: TestServer;
  const started = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();

  before(async () => {
    worker.actor(async function hold(name: string) {
      started.resolve();
      await release.promise;
      return `held ${name}`;
    });
    running = worker.runForever({ handleSignals: false });
    app = await serve(nodeListener(dashboard({ producer })));
    browser = await launchBrowser();
  });

  after(async () => {
    release.resolve();
    await browser?.close();
    await app?.close();
    await worker.stop();
    await running;
    await producer.close();
  });

  it("shows a running job in progress, then done once it finishes, by itself", async () => {
    const job = await producer.enqueueJob("hold", { args: ["tight"] });
    await started.promise;
    const page = await browser.newPage();
    const seen = watchPage(page);
    await page.goto(`${app.origin}/queues/default/jobs/${job.id}`);
    assert.equal(await page.locator("h1 .badge").innerText(), "in progress");
    assert.equal(await page.locator("[data-job-live]").count(), 1);
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
