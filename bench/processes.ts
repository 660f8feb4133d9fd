/**
 * The bench's child processes: how a library under test is started, a
 * measurement run to completion, a worker served until stopped, and the
 * keys of a measurement deleted.
 *
 * @module
 */

import { deletePrefix, openRaw } from "./drivers/resp.mjs";
import type { Sample } from "./report.ts";

/** A library under test and how to start its child process. */
export interface Library {
  id: string;
  lib: "repid" | "bullmq" | "bee-queue";
  cmd: string[];
  env: Record<string, string>;
}

/** Runs a child to completion; returns its last JSON line. */
export async function runChild(
  lib: Library,
  config: Record<string, unknown>,
  timeoutMs: number,
): Promise<Sample> {
  const child = new Deno.Command(lib.cmd[0], {
    args: [...lib.cmd.slice(1), JSON.stringify({ ...config, lib: lib.lib })],
    env: lib.env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const out = await child.output();
  clearTimeout(timer);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const last = lines[lines.length - 1];
  try {
    const parsed = JSON.parse(last) as Sample;
    if (!out.success && !("error" in parsed)) {
      parsed.error = `exit code ${out.code}`;
    }
    return parsed;
  } catch {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").slice(
      -5,
    ).join(" | ");
    return {
      error: `no result (exit ${out.code}${out.signal ? ", " + out.signal : ""}): ${err}`,
    };
  }
}

/** A worker process started by {@linkcode startServer}. */
export interface Server {
  /** Its process id. */
  pid: number;
  /** Stops it (SIGTERM, then SIGKILL after 5 s). */
  stop: () => Promise<void>;
  /** Lets it begin (started with `waitGo: true`, it waits for this). */
  go: () => Promise<void>;
}

/**
 * Starts a worker that serves until stopped; resolves once it is ready. With
 * `waitGo: true` in `config` it takes no job before {@linkcode Server.go}.
 */
export async function startServer(
  lib: Library,
  config: Record<string, unknown>,
): Promise<Server> {
  const waitGo = config.waitGo === true;
  const child = new Deno.Command(lib.cmd[0], {
    args: [
      ...lib.cmd.slice(1),
      JSON.stringify({ ...config, lib: lib.lib, mode: "serve" }),
    ],
    env: lib.env,
    stdin: waitGo ? "piped" : "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stdin = waitGo ? child.stdin.getWriter() : undefined;
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const deadline = Date.now() + 30_000;
  while (!buffered.includes("\n")) {
    if (Date.now() > deadline) break;
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
  }
  const stop = async () => {
    await stdin?.close().catch(() => {});
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }, 5_000);
    await reader.cancel().catch(() => {});
    await child.status;
    clearTimeout(timer);
  };
  if (!buffered.includes('"ready":true')) {
    await stop();
    throw new Error(`${lib.id} worker did not start: ${buffered.trim()}`);
  }
  const go = async () => {
    await stdin?.write(new TextEncoder().encode("go\n"));
  };
  return { pid: child.pid, stop, go };
}

/** Deletes the keys of one measurement (SCAN + UNLINK under its prefix). */
export async function cleanup(url: string, prefix: string): Promise<void> {
  const raw = await openRaw(url);
  try {
    await deletePrefix(raw, prefix);
  } finally {
    raw.close();
  }
}
