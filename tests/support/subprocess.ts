/**
 * Test support: running the project's scripts as real `deno` subprocesses
 * and collecting what they print.
 */
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The repository root (where deno.json is). */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** A running subprocess and what it printed so far. */
export interface Run {
  /** The child process. */
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves when the process has exited, with its code (`null` if killed by a signal). */
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** Resolves when stdout contains `text`; rejects if the process exits first or after `timeoutMs`. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /**
   * Sends a signal through `process.kill(pid)`: Deno's `child.kill()` makes
   * the exit look like a death by that signal even when the child handled it
   * and exited with a code.
   */
  signal(name: "SIGTERM" | "SIGINT"): void;
  /** Signals the whole process group of a process started with `detached` (as Ctrl-C does). */
  signalGroup(name: "SIGTERM" | "SIGINT"): void;
  /** Kills the process if it is still running (a failure guard for `finally`). */
  kill(): void;
}

/** Options of {@linkcode runDeno}. */
export interface RunOptions {
  /**
   * Start the process as the leader of a new process group (whose id is its
   * pid), as a terminal or a supervisor does: `process.kill(-pid, signal)`
   * then signals it and every process it started.
   */
  detached?: boolean;
}

/**
 * Runs `deno <args>` from the repository root (`process.execPath` is the deno
 * binary under `deno test`).
 */
export function runDeno(
  args: string[],
  env: Record<string, string> = {},
  options: RunOptions = {},
): Run {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    detached: options.detached ?? false,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const watchers = new Set<() => void>();
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    out += chunk;
    for (const w of watchers) w();
  });
  child.stderr!.on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.on("close", (code, signal) => {
      for (const w of watchers) w();
      resolve({ code, signal });
    });
  });
  let closed = false;
  void exited.then(() => (closed = true));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput(text, timeoutMs = 60_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (out.includes(text)) finish();
          else if (closed || child.exitCode !== null) {
            finish(
              new Error(`process exited before printing ${JSON.stringify(text)}:\n${out}${err}`),
            );
          }
        };
        const timer = setTimeout(
          () =>
            finish(new Error(`no ${JSON.stringify(text)} within ${timeoutMs} ms:\n${out}${err}`)),
          timeoutMs,
        );
        const finish = (error?: Error) => {
          clearTimeout(timer);
          watchers.delete(check);
          if (error) reject(error);
          else resolve();
        };
        watchers.add(check);
        check();
      });
    },
    signal(name) {
      process.kill(child.pid!, name);
    },
    signalGroup(name) {
      process.kill(-child.pid!, name);
    },
    kill() {
      if (closed || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(options.detached ? -child.pid! : child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    },
  };
}

/** Rejects if `promise` has not settled within `ms` (a failure guard, not a timing assertion). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}
