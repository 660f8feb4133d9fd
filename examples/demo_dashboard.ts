/**
 * `deno task demo:dashboard`: the dashboard on the embedded in-memory store
 * with jobs flowing, nothing else needed. A worker runs three actors on
 * three queues (some jobs fail, some are retried, some take seconds), a
 * producer keeps enqueueing (some deferred), two recurring jobs tick, and
 * the dashboard serves on http://127.0.0.1:8080/ until Ctrl-C.
 *
 * Run: deno task demo:dashboard [--port N] (0: any free port)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { once } from "node:events";
import process from "node:process";
import { type JobContext, minutes, Repid, seconds, Worker } from "../mod.ts";
import { dashboard, nodeListener } from "../src/dashboard/mod.ts";

const portFlag = process.argv.indexOf("--port");
const port = portFlag === -1 ? 8080 : Number(process.argv[portFlag + 1]);

// One in-memory store shared in this process by name.
const store = "memory://dashboard-demo";
const worker = new Worker(store, { concurrency: 8, logger: "warn" });
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });

worker.actor(async function send_email(this: JobContext, to: string, subject: string) {
  await pause(200 + Math.random() * 1_300, this.signal);
  if (to.endsWith("@bounce.example")) throw new Error(`mailbox ${to} does not exist`);
  return { to, subject, messageId: crypto.randomUUID() };
}, { queue: "emails", retries: 1, backoff: { type: "fixed", delayMs: 2_000 } });

worker.actor(async function build_report(this: JobContext, month: string) {
  await pause(3_000 + Math.random() * 5_000, this.signal);
  return { month, rows: Math.floor(Math.random() * 10_000) };
}, { queue: "reports" });

worker.actor(async function resize_image(this: JobContext, path: string, width: number) {
  await pause(50 + Math.random() * 300, this.signal);
  if (width > 4_000) throw new RangeError(`width ${width} is larger than 4000`);
  return { path, width, bytes: Math.floor(width * 97.3) };
});

worker.actor(async function cleanup_sessions(this: JobContext) {
  await pause(500, this.signal);
  return { removed: Math.floor(Math.random() * 50) };
});

const running = worker.runForever({ handleSignals: false });
const producer = new Repid(store, { logger: "silent" });
await producer.enqueueJob("cleanup_sessions", { deferBy: minutes(1), jobId: "cleanup-sessions" });
await producer.enqueueJob("build_report", {
  cron: "0 6 1 * *",
  tz: "Europe/Berlin",
  jobId: "monthly-report",
  args: ["previous"],
  queue: "reports",
});

const people = ["ada", "grace", "linus", "barbara", "ken", "margaret"];
let n = 0;
const feed = setInterval(() => {
  n++;
  const who = people[n % people.length];
  const to = n % 9 === 0 ? `${who}@bounce.example` : `${who}@example.com`;
  void producer.enqueueJob("send_email", { queue: "emails", args: [to, `Invoice #${1000 + n}`] });
  void producer.enqueueJob("resize_image", { args: [`/img/${n}.png`, n % 13 === 0 ? 5_000 : 800] });
  if (n % 10 === 0) {
    void producer.enqueueJob("build_report", { queue: "reports", args: [`2026-${n % 12 + 1}`] });
  }
  if (n % 7 === 0) {
    void producer.enqueueJob("send_email", {
      queue: "emails",
      args: [to, "Reminder"],
      deferUntil: new Date(Date.now() + seconds(30)),
    });
  }
}, 400);

const handler = dashboard({ redis: store, queues: ["default", "emails", "reports"] });
const server = createServer(nodeListener(handler));
server.listen(port, "127.0.0.1");
await once(server, "listening");
const { port: listening } = server.address() as AddressInfo; // the one chosen for --port 0
console.log(`Repid dashboard demo: http://127.0.0.1:${listening}/ (Ctrl-C to stop)`);

await new Promise<void>((resolve) => {
  process.once("SIGINT", resolve);
  process.once("SIGTERM", resolve);
});
clearInterval(feed);
server.closeAllConnections();
server.close();
await worker.stop();
await running;
await producer.close();
await handler.close();
console.log("Stopped.");
