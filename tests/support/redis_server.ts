/**
 * Test support: a private `redis-server` on a port of the caller's choice,
 * for tests that count commands, kill Redis or restart it.
 *
 * ```ts
 * const server = await RedisServer.start({ port: 6390, appendonly: true });
 * // ... use server.url ...
 * await server.kill(); // crash it (SIGKILL)
 * await server.restart(); // same port, same data directory
 * await server.stop(); // shut down and remove the data directory
 * ```
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { setTimeout as delay } from "node:timers/promises";

// No server outlives the test process, even when a test forgets `stop()`.
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of live) signal(c, "SIGKILL");
});

/** Options of {@linkcode RedisServer.start}. */
export interface RedisServerOptions {
  /** The port to listen on (127.0.0.1 only), moved by `REPID_TEST_PORT_OFFSET` unless `exactPort`. */
  port: number;
  /**
   * Use `port` as given (one already found free, as `freePorts` returns), not moved by
   * the offset. @default {false}
   */
  exactPort?: boolean;
  /**
   * Persist every write to an append-only file (`--appendonly yes
   * --appendfsync always`), so a killed server restarts with its data.
   * @default {false}
   */
  appendonly?: boolean;
  /**
   * The data directory.
   * @default {a new temporary directory, removed by `stop()`}
   */
  dir?: string;
  /**
   * How long to wait for the server to answer PING, in milliseconds.
   * @default {15000}
   */
  startTimeoutMs?: number;
  /** The `redis-server` binary. @default {"redis-server"} */
  binary?: string;
  /**
   * More `redis-server` arguments, such as `["--cluster-enabled", "yes"]`.
   * @default {[]}
   */
  args?: string[];
  /**
   * A configuration file, passed first (for example a Sentinel's, with
   * `args: ["--sentinel"]`); it must stay writable.
   * @default {none}
   */
  configFile?: string;
}

/**
 * Added to every port asked for (`REPID_TEST_PORT_OFFSET`, default 0), so that
 * two runs of the suite on one machine (two checkouts) use private servers on
 * ports of their own.
 */
export const PORT_OFFSET = Number(process.env.REPID_TEST_PORT_OFFSET ?? 0) || 0;

/** A `redis-server` process owned by a test. */
export class RedisServer {
  /** The port it listens on. */
  readonly port: number;
  /** Its data directory (kept across `kill()`/`restart()`). */
  readonly dir: string;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly #ownsDir: boolean;
  readonly #args: string[];
  readonly #binary: string;
  readonly #startTimeoutMs: number;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #output = "";

  private constructor(options: RedisServerOptions) {
    const port = options.exactPort ? options.port : options.port + PORT_OFFSET;
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new RangeError(`Cannot start redis-server: port ${port} is not a valid port`);
    }
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.#ownsDir = options.dir === undefined;
    this.dir = options.dir ?? mkdtempSync(join(tmpdir(), `repid-redis-${port}-`));
    this.#binary = options.binary ?? "redis-server";
    this.#startTimeoutMs = options.startTimeoutMs ?? 15_000;
    const aof = options.appendonly ? "yes" : "no";
    this.#args = [
      ...(options.configFile ? [options.configFile] : []),
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      aof,
      "--appendfsync",
      "always",
      "--dir",
      this.dir,
      "--daemonize",
      "no",
      ...(options.args ?? []),
    ];
  }

  /** Starts a server and resolves once it answers PING. */
  static async start(options: RedisServerOptions): Promise<RedisServer> {
    const server = new RedisServer(options);
    try {
      await server.#launch();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** `true` while the process runs. */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** The process id, or `undefined` when it is not running. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /**
   * Ends the server with a signal and resolves once it exited. `SIGKILL`
   * (the default) is a crash: writes not yet on disk are lost.
   */
  async kill(sig: "SIGKILL" | "SIGTERM" = "SIGKILL"): Promise<void> {
    const child = this.#child;
    if (!child) return;
    signal(child, sig);
    await this.#exited;
  }

  /** Freezes the server (SIGSTOP): clients see it hang, not close. */
  pause(): void {
    if (this.#child) signal(this.#child, "SIGSTOP");
  }

  /** Unfreezes a paused server (SIGCONT). */
  resume(): void {
    if (this.#child) signal(this.#child, "SIGCONT");
  }

  /**
   * Starts the server again on the same port and data directory (after
   * `kill()`), and resolves once it answers (its append-only file loaded).
   */
  async restart(): Promise<void> {
    if (this.#child) await this.kill();
    await this.#launch();
  }

  /**
   * Shuts the server down (SIGTERM, then SIGKILL if it lingers) and removes
   * the data directory if `start()` created it. Safe to call twice.
   */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child) {
      signal(child, "SIGCONT"); // a paused server cannot handle SIGTERM
      signal(child, "SIGTERM");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const lingering = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), 5_000);
      });
      const exited = await Promise.race([this.#exited.then(() => true), lingering]);
      clearTimeout(timer);
      if (!exited) await this.kill("SIGKILL");
    }
    if (this.#ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** The last lines the server printed (for error messages). */
  get output(): string {
    return this.#output;
  }

  async #launch(): Promise<void> {
    const child = spawn(this.#binary, this.#args, { stdio: ["ignore", "pipe", "pipe"] });
    this.#child = child;
    live.add(child);
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString()).slice(-4_000);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    let exitCode: number | null | undefined;
    this.#exited = new Promise<void>((resolve) => {
      child.once("exit", (code) => {
        live.delete(child);
        exitCode = code;
        if (this.#child === child) this.#child = undefined;
        resolve();
      });
      child.once("error", (error) => {
        live.delete(child);
        this.#output += `\n${error.message}`;
        exitCode = -1;
        if (this.#child === child) this.#child = undefined;
        resolve();
      });
    });
    const deadline = Date.now() + this.#startTimeoutMs;
    while (true) {
      if (exitCode !== undefined) {
        throw new Error(
          `redis-server on port ${this.port} exited (code ${exitCode}):\n${this.#output}`,
        );
      }
      if (await ping(this.port)) return;
      if (Date.now() > deadline) {
        throw new Error(
          `redis-server on port ${this.port} did not answer within ${this.#startTimeoutMs} ms:\n${this.#output}`,
        );
      }
      await delay(25);
    }
  }
}

/**
 * Sends a signal by pid: Deno's `ChildProcess.kill()` sends only the first
 * signal it is asked for, so pause/resume/kill go through `process.kill`.
 */
export function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, sig);
  } catch {
    // already gone
  }
}

/** `true` when a server on `port` answers PING with PONG, or asks for a password (not LOADING). */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"));
    });
  });
}
