/**
 * Fault suite support: the real worker command in its own process
 * (`deno run -A src/cli/main.ts worker tests/faults/fixtures/actors.ts …`),
 * with what it logs, the job ids whose lease it reported lost, and signals
 * by pid (SIGKILL, SIGSTOP, SIGCONT, SIGTERM).
 *
 * ```ts
 * const w = spawnWorker({ redisUrl: server.url, prefix, concurrency: 20 });
 * w.signal("SIGKILL");
 * await w.exited;
 * ```
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The repository root, where the worker command runs. */
export const ROOT: string = fileURLToPath(new URL("../../../", import.meta.url));

/** The fixture module every fault worker loads. */
export const ACTORS_MODULE = "tests/faults/fixtures/actors.ts";

// No worker outlives the test process, even when a test fails half-way.
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) {
    try {
      process.kill(child.pid!, "SIGCONT");
      process.kill(child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/** Options of {@linkcode spawnWorker}. */
export interface WorkerProcessOptions {
  /** The Redis the worker and the fixture actors use. */
  redisUrl: string;
  /** The key prefix (also where the actors record their runs). */
  prefix: string;
  /** `--queues` @default {["default"]} */
  queues?: string[];
  /** `--concurrency` @default {10} */
  concurrency?: number;
  /** `--lease-ms` @default {1000} */
  leaseMs?: number;
  /** `--grace-ms` @default {1000} */
  graceMs?: number;
  /** Extra environment for the fixture actors. */
  env?: Record<string, string>;
}

/** A worker process. */
export interface WorkerProcess {
  /** Its process id (what the fixture actors record and return). */
  readonly pid: number;
  /** Every line it printed on stdout. */
  readonly stdout: string[];
  /** Every line it printed on stderr (warnings and errors of the worker). */
  readonly stderr: string[];
  /** The ids of jobs whose lease this worker reported lost (a refused or stopped write). */
  readonly lostLeases: Set<string>;
  /** Resolves when it exited: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  /** Resolves once the worker command loaded the fixture actors (signals are handled from then on). */
  readonly loaded: Promise<unknown>;
  /** `true` until it exited. */
  readonly alive: boolean;
  /** Sends a signal by pid. */
  signal(sig: NodeJS.Signals): void;
  /**
   * Resolves with the match of the first line, past or future, of `stream`
   * matching `pattern`; rejects after `timeoutMs` or when it exits first.
   */
  waitForLine(
    pattern: RegExp,
    stream?: "stdout" | "stderr",
    timeoutMs?: number,
  ): Promise<RegExpMatchArray>;
}

const LOST = /repid: (?:write refused: lease lost|lease lost; job stopped here) (\{.*\})$/;

/** Starts `deno run -A src/cli/main.ts worker tests/faults/fixtures/actors.ts …`. */
export function spawnWorker(options: WorkerProcessOptions): WorkerProcess {
  const args = [
    "run",
    "-A",
    "src/cli/main.ts",
    "worker",
    ACTORS_MODULE,
    "--redis-url",
    options.redisUrl,
    "--prefix",
    options.prefix,
    "--queues",
    (options.queues ?? ["default"]).join(","),
    "--concurrency",
    String(options.concurrency ?? 10),
    "--lease-ms",
    String(options.leaseMs ?? 1_000),
    "--grace-ms",
    String(options.graceMs ?? 1_000),
    "--log-level",
    "warn",
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      NO_COLOR: "1",
      REPID_FAULT_REDIS_URL: options.redisUrl,
      REPID_FAULT_PREFIX: options.prefix,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error("Cannot start worker process: no pid");
  live.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const lostLeases = new Set<string>();
  const watchers = new Set<() => void>();
  let alive = true;
  createInterface({ input: child.stdout! }).on("line", (line) => {
    stdout.push(line);
    for (const w of watchers) w();
  });
  createInterface({ input: child.stderr! }).on("line", (line) => {
    stderr.push(line);
    const m = line.match(LOST);
    if (m) {
      try {
        const id = (JSON.parse(m[1]) as { id?: unknown }).id;
        if (typeof id === "string") lostLeases.add(id);
      } catch {
        // not ours
      }
    }
    for (const w of watchers) w();
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once("close", (code, signal) => {
      alive = false;
      live.delete(child);
      for (const w of watchers) w();
      resolve({ code, signal });
    });
  });
  const pid = child.pid;
  const waitForLine = (
    pattern: RegExp,
    stream: "stdout" | "stderr" = "stdout",
    timeoutMs = 60_000,
  ): Promise<RegExpMatchArray> => {
    const lines = stream === "stdout" ? stdout : stderr;
    return new Promise((resolve, reject) => {
      const check = () => {
        for (const line of lines) {
          const m = line.match(pattern);
          if (m) return finish(undefined, m);
        }
        if (!alive) {
          finish(new Error(`worker ${pid} exited before printing ${pattern}:\n${tail()}`));
        }
      };
      const timer = setTimeout(
        () =>
          finish(new Error(`worker ${pid} printed no ${pattern} in ${timeoutMs} ms:\n${tail()}`)),
        timeoutMs,
      );
      const finish = (error?: Error, match?: RegExpMatchArray) => {
        clearTimeout(timer);
        watchers.delete(check);
        if (error) reject(error);
        else resolve(match!);
      };
      watchers.add(check);
      check();
    });
  };
  const loaded = waitForLine(/^fault actors loaded/, "stdout", 120_000);
  loaded.catch(() => {}); // a worker killed before it loaded is fine
  return {
    pid,
    stdout,
    stderr,
    lostLeases,
    exited,
    loaded,
    get alive() {
      return alive;
    },
    signal(sig) {
      if (!alive) return;
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    },
    waitForLine,
  };

  function tail(): string {
    return [...stdout.slice(-20), ...stderr.slice(-20)].join("\n");
  }
}

/** Stops workers gracefully (SIGTERM; SIGKILL after `ms`) and returns how each ended. */
export async function stopWorkers(
  workers: WorkerProcess[],
  ms = 15_000,
): Promise<{ code: number | null; signal: string | null }[]> {
  // A worker signalled before it handles signals would just die.
  await Promise.all(workers.map((w) => w.loaded.catch(() => {})));
  for (const w of workers) {
    w.signal("SIGCONT");
    w.signal("SIGTERM");
  }
  const timer = setTimeout(() => {
    for (const w of workers) w.signal("SIGKILL");
  }, ms);
  try {
    return await Promise.all(workers.map((w) => w.exited));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asserts that every worker stopped gracefully (exit code 0, as returned by
 * {@linkcode stopWorkers}) and that none logged an ERROR line.
 */
export function assertWorkersEndedCleanly(
  workers: WorkerProcess[],
  ends: { code: number | null }[],
): void {
  for (const [i, end] of ends.entries()) {
    assert.equal(end.code, 0, `worker ${workers[i].pid} kept running and stopped gracefully`);
  }
  const errors = workers.flatMap((w) => w.stderr.filter((l) => / ERROR /.test(l)));
  assert.deepEqual(errors, [], "no worker logged an error");
}

/** Kills workers at once (SIGKILL), for `finally` blocks. */
export async function killWorkers(workers: Iterable<WorkerProcess>): Promise<void> {
  const all = [...workers];
  for (const w of all) {
    w.signal("SIGCONT");
    w.signal("SIGKILL");
  }
  await Promise.all(all.map((w) => w.exited));
}
