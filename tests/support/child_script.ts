/**
 * Test support: a script run in its own process by the current runtime
 * (`deno run -A <script>` under Deno, `node <script>` under Node), whose
 * output lines the test can wait for and which the test can pause or kill.
 *
 * ```ts
 * const child = spawnScript("tests/integration/fixtures/lease_worker.ts", { REPID_PREFIX: prefix });
 * const line = await child.waitForLine(/^running (\S+)/);
 * child.signal("SIGKILL");
 * await child.exited;
 * ```
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import process from "node:process";

/** A running script. */
export interface ChildScript {
  /** The process. */
  readonly process: ChildProcess;
  /** Every line printed so far, stdout and stderr, in arrival order per stream. */
  readonly lines: string[];
  /** Resolves with the exit code, or the signal that ended the process. */
  readonly exited: Promise<number | string>;
  /**
   * Resolves with the match of the first line (past or future) matching
   * `pattern`; rejects after `timeoutMs` or when the process exits first.
   */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends a signal (by pid, so any number of signals can be sent). */
  signal(sig: NodeJS.Signals): void;
  /** Kills the process (SIGKILL) if it still runs and waits for its exit. */
  close(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of live) {
    try {
      process.kill(c.pid!, "SIGKILL");
    } catch {
      // gone
    }
  }
});

/** Runs `script` (a path relative to the working directory) with extra environment. */
export function spawnScript(script: string, env: Record<string, string> = {}): ChildScript {
  const isDeno = "Deno" in globalThis;
  const args = isDeno ? ["run", "-A", script] : [script];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  const lines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  let done = false;
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of watchers) w(line);
  };
  createInterface({ input: child.stdout! }).on("line", onLine);
  createInterface({ input: child.stderr! }).on("line", onLine);
  const exitWatchers = new Set<() => void>();
  const exited = new Promise<number | string>((resolve) => {
    child.once("close", (code, sig) => {
      done = true;
      live.delete(child);
      for (const w of exitWatchers) w();
      resolve(code ?? sig ?? "unknown");
    });
  });

  const signal = (sig: NodeJS.Signals) => {
    if (done || child.pid === undefined) return;
    try {
      process.kill(child.pid, sig);
    } catch {
      // already gone
    }
  };

  return {
    process: child,
    lines,
    exited,
    signal,
    waitForLine(pattern, timeoutMs = 30_000) {
      for (const line of lines) {
        const m = line.match(pattern);
        if (m) return Promise.resolve(m);
      }
      return new Promise((resolve, reject) => {
        const finish = () => {
          clearTimeout(timer);
          watchers.delete(watch);
          exitWatchers.delete(onExit);
        };
        const watch = (line: string) => {
          const m = line.match(pattern);
          if (m) {
            finish();
            resolve(m);
          }
        };
        const onExit = () => {
          finish();
          reject(new Error(`${script} exited before printing ${pattern}:\n${lines.join("\n")}`));
        };
        const timer = setTimeout(() => {
          finish();
          reject(
            new Error(
              `${script} printed no line matching ${pattern} within ${timeoutMs} ms:\n${
                lines.join("\n")
              }`,
            ),
          );
        }, timeoutMs);
        if (done) return onExit();
        watchers.add(watch);
        exitWatchers.add(onExit);
      });
    },
    async close() {
      signal("SIGCONT");
      signal("SIGKILL");
      await exited;
    },
  };
}
