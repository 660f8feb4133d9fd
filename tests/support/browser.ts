/**
 * Test support for the browser tests: Debian's Chromium driven by
 * playwright-core (headless, no network of its own), a dashboard served
 * over `node:http` on a free port, and screenshots saved as CI artefacts
 * under `.ci/logs/screenshots/` (git-ignored).
 */
import { mkdirSync } from "node:fs";
import { once } from "node:events";
import { createServer, type RequestListener } from "node:http";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { type DashboardHandler, nodeListener } from "../../src/dashboard/mod.ts";

/** The Chromium that `.ci/run` installs (`apt-get install -y chromium`). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where screenshots go: `screenshots/` of `$CI_LOG_DIR`, else of `.ci/logs/`. */
export const SCREENSHOT_DIR: string = process.env.CI_LOG_DIR
  ? join(process.env.CI_LOG_DIR, "screenshots")
  : fileURLToPath(new URL("../../.ci/logs/screenshots/", import.meta.url));

/** Starts headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
  });
}

/** A server on 127.0.0.1 and a free port; `close()` stops it. */
export interface TestServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Serves `listener` on a free port of 127.0.0.1. */
export async function serve(listener: RequestListener): Promise<TestServer> {
  const server = createServer(listener);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

/** A dashboard served on a free port of 127.0.0.1, and Chromium to look at it. */
export interface DashboardInBrowser {
  /** The headless Chromium. */
  browser: Browser;
  /** `http://127.0.0.1:<port>`, the dashboard's root. */
  origin: string;
  /** Closes Chromium, the server and the handler (and so a producer the handler opened). */
  close(): Promise<void>;
}

/** Serves `handler` over `node:http` (through `nodeListener`) and starts Chromium. */
export async function openDashboard(handler: DashboardHandler): Promise<DashboardInBrowser> {
  const app = await serve(nodeListener(handler));
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await app.close();
    await handler.close();
    throw error;
  }
  return {
    browser,
    origin: app.origin,
    async close() {
      await browser.close();
      await app.close();
      await handler.close();
    },
  };
}

/** Saves a full-page screenshot as `<name>.png`; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Records what would show that a page ran script of a job's: alerts and
 * prompts (`alert(1)`), and uncaught errors. The dashboard's own confirm
 * dialogs (before destructive actions) are accepted.
 */
export function watchPage(page: Page): { dialogs: string[]; errors: string[] } {
  const seen = { dialogs: [] as string[], errors: [] as string[] };
  page.on("dialog", (dialog) => {
    if (dialog.type() === "confirm") return void dialog.accept();
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => seen.errors.push(error.message));
  return seen;
}
