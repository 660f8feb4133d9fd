/**
 * `deno task demo`: the guide's examples end to end in one process. It shows
 * jobs being enqueued, started and finished, a failing job retried, a
 * deferred job firing, the stored results, a recurring job ticking, a sync
 * actor on a thread, and then a batch of 3000 jobs draining with a live
 * progress line, and the throughput.
 *
 * Run: deno task demo. Without REDIS_URL it runs on the embedded in-memory
 * backend (no Redis needed); with REDIS_URL set, on that Redis.
 */
import process from "node:process";
import { Redis } from "ioredis";
import {
  defineActor,
  type JobContext,
  type Logger,
  MemoryBackend,
  Repid,
  Worker,
  type WorkerOptions,
} from "../mod.ts";
import * as actors from "./actors.ts";

/** Where the demo's jobs live. */
interface Store {
  /** What the store is, for the first line of output. */
  description: string;
  /** A worker on the store. */
  worker(options: WorkerOptions): Worker;
  /** A typed producer on the store. */
  producer(): Repid<typeof actors>;
  /** Releases what the store itself holds. */
  close(): Promise<void>;
}

/**
 * The store the demo runs on: without REDIS_URL (or with it empty), the
 * embedded in-memory backend, shared by the demo's worker and producer;
 * else Redis at REDIS_URL, under a prefix of its own (REPID_PREFIX, else a
 * random one). Results expire after ten minutes.
 */
async function openStore(): Promise<Store> {
  const url = process.env.REDIS_URL;
  if (!url) {
    const backend = new MemoryBackend();
    return {
      description: "the embedded in-memory backend (set REDIS_URL to run on Redis)",
      worker: (options) => new Worker(null, { ...options, backend }),
      producer: () => new Repid<typeof actors>(null, { backend }),
      close: () => backend.close(),
    };
  }
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new Error(
      `Cannot reach Redis at ${url} (${(error as Error).message}): start one ` +
        `(redis-server --port 6379) or set REDIS_URL`,
    );
  } finally {
    probe.disconnect();
  }
  const prefix = process.env.REPID_PREFIX ?? `repid-demo-${crypto.randomUUID().slice(0, 8)}`;
  return {
    description: `Redis at ${url}, keys under "${prefix}:"`,
    worker: (options) => new Worker(url, { ...options, prefix }),
    producer: () => new Repid<typeof actors>(url, { prefix }),
    close: () => Promise.resolve(),
  };
}

const BATCH = 3_000;
const CONCURRENCY = 50;

/** Prints the worker's job events as they happen, and counts finished jobs. */
class DemoLog implements Logger {
  verbose = true;
  finished = 0;

  debug(): void {}

  info(message: string, f: Record<string, unknown> = {}): void {
    if (message === "job done" || message === "job failed") this.finished++;
    if (!this.verbose) return;
    const job = `${f.actor} ${String(f.id).slice(0, 8)}`;
    if (message === "job started") say(`  ▶ started   ${job}`);
    else if (message === "job done") say(`  ✔ done      ${job} (${f.ms} ms)`);
    else if (message === "job failed") {
      say(`  ✘ failed    ${job} after ${f.attempts} attempts: ${f.error}`);
    } else if (message === "job failed, retrying") {
      say(
        `  ↻ retrying  ${job}: attempt ${f.attempt} failed (${f.error}), next in ${f.retryInMs} ms`,
      );
    }
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    say(`  ! ${message} ${fields ? JSON.stringify(fields) : ""}`);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    say(`  ! ${message} ${fields ? JSON.stringify(fields) : ""}`);
  }
}

function say(line: string): void {
  console.log(line);
}

function heading(text: string): void {
  console.log(`\n${text}`);
}

async function main(): Promise<void> {
  const store = await openStore();
  console.log(`Repid demo on ${store.description}`);

  const log = new DemoLog();
  const worker = store.worker({ concurrency: CONCURRENCY, logger: log, resultTtlMs: 600_000 });
  for (const actor of Object.values(actors)) worker.actor(actor);
  // The guide's "run job every day", ticking every second here (section 6).
  let ticks = 0;
  let threeTicks!: (thirdId: string) => void;
  const ticked = new Promise<string>((resolve) => (threeTicks = resolve));
  const goodMorning = worker.actor(
    // deno-lint-ignore require-await
    defineActor(async function good_morning(this: JobContext) {
      ticks++;
      const due = Number(this.jobId.slice(this.jobId.lastIndexOf("@") + 1));
      say(
        `  ⏰ tick ${ticks}: occurrence due ${new Date(due).toISOString()}, ran ${
          Date.now() - due
        } ms after`,
      );
      if (ticks === 3) threeTicks(this.jobId);
      return "good morning!";
    }),
  );
  // A sync (CPU-bound) actor: a module's export, run on the worker's threads (section 7).
  const countPrimes = worker.actor<typeof import("./demo_thread_actor.ts").default>(
    new URL("./demo_thread_actor.ts", import.meta.url),
    { name: "count_primes", timeoutMs: 60_000 },
  );
  const running = worker.runForever();
  const producer = store.producer();
  try {
    heading('1. Worker and producer: string_length("hello")');
    const job = await producer.enqueueJob("string_length", { args: ["hello"] });
    say(`  → enqueued  string_length ${job.id.slice(0, 8)}`);
    say(`  = value ${(await job.result).value}`);

    heading('2. A non-default queue: hello_another_queue on "myqueue"');
    const hello = await producer.enqueueJob(actors.hello_another_queue);
    say(`  → enqueued  hello_another_queue ${hello.id.slice(0, 8)} on ${hello.queue}`);
    say(`  = value ${JSON.stringify((await hello.result).value)}`);

    heading("3. Error handling: exceptional_actor(3) with retries: 3 and exponential backoff");
    const bad = await producer.enqueueJob("exceptional_actor", { args: [3] });
    say(`  → enqueued  exceptional_actor ${bad.id.slice(0, 8)}`);
    const failed = await bad.result;
    say(`  = ${failed.status}: ${failed.attempts} attempts, ${failed.errors.length} errors kept`);

    heading("4. Defer until: happy_new_year, 2 seconds from now");
    const at = new Date(Date.now() + 2_000);
    const deferred = await producer.enqueueJob("happy_new_year", { deferUntil: at });
    say(`  → enqueued  happy_new_year ${deferred.id.slice(0, 8)}: ${await deferred.status()}`);
    const fired = await deferred.result;
    const late = (fired.startedAt ?? 0) - at.getTime();
    say(
      `  = fired ${late >= 0 ? `${late} ms after` : `${-late} ms BEFORE`} its time: ${fired.value}`,
    );

    heading("5. Results: some_job returns nothing, a result is stored anyway");
    const nothing = await producer.enqueueJob("some_job");
    const result = await nothing.result;
    say(`  = ${JSON.stringify(result)}`);

    heading("6. Recurring: good_morning with deferBy: 1000 (ms), three ticks, then cancelled");
    log.verbose = false;
    const schedule = await producer.enqueueJob(goodMorning, { deferBy: 1_000 });
    say(`  → registered schedule ${schedule.id} (${schedule.outcome})`);
    await schedule.occurrence(Number((await ticked).split("@").pop())).result;
    await schedule.cancel();
    say(`  = ticked ${ticks} times, once a second; schedule cancelled`);
    log.verbose = true;

    heading("7. A sync actor on a thread: count_primes(2000000) while the event loop runs on");
    let loopTicks = 0;
    const loop = setInterval(() => loopTicks++, 10);
    const primes = await producer.enqueueJob(countPrimes, { args: [2_000_000] });
    const asyncMeanwhile = await producer.enqueueJob("string_length", { args: ["meanwhile"] });
    const [primeResult, meanwhile] = await Promise.all([primes.result, asyncMeanwhile.result]);
    clearInterval(loop);
    say(`  = ${primeResult.value} primes below 2000000, computed on a thread`);
    say(
      `  = meanwhile the event loop ticked ${loopTicks} times and string_length("meanwhile") = ` +
        `${meanwhile.value}`,
    );

    heading(`8. Throughput: ${BATCH} add() jobs, concurrency ${CONCURRENCY}`);
    log.verbose = false;
    const before = log.finished;
    const started = performance.now();
    const progress = () => {
      const done = log.finished - before;
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(done / seconds) : 0;
      process.stdout.write(`\r  draining: ${done}/${BATCH} done, ${rate} jobs/s   `);
    };
    const ticker = setInterval(progress, 100);
    let values: (number | null)[];
    try {
      const jobs = await Promise.all(
        Array.from({ length: BATCH }, (_, i) => producer.enqueueJob("add", { args: [i, 1] })),
      );
      values = (await Promise.all(jobs.map((j) => j.result))).map((r) => r.value);
    } finally {
      clearInterval(ticker);
    }
    const seconds = (performance.now() - started) / 1000;
    progress();
    process.stdout.write("\n");
    const right = values.filter((v, i) => v === i + 1).length;
    say(`  = ${right}/${BATCH} results correct`);
    say(
      `  = ${BATCH} jobs enqueued, run and awaited in ${seconds.toFixed(2)} s: ` +
        `${Math.round(BATCH / seconds)} jobs/s`,
    );
  } finally {
    await producer.close();
    await worker.stop();
    await running;
    await store.close();
  }
  heading("Done.");
}

try {
  await main();
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
