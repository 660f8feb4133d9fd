/**
 * Test support: recording the commands clients send to a Redis server, with
 * MONITOR. (`INFO commandstats` also counts the commands that scripts run,
 * and Redis 7.0's CLIENT LIST has no per-connection command count, so
 * MONITOR is the exact way to count what a worker sends.) Use it only on a
 * server of the test's own: MONITOR sees every client.
 *
 * It speaks the protocol over plain sockets: no client library state, no
 * reconnects, nothing printed when the server goes away.
 *
 * ```ts
 * const recorder = await CommandRecorder.start(server.port);
 * const mark = recorder.mark();
 * // ... let the worker idle ...
 * await recorder.flush();
 * console.log(recorder.since(mark).length);
 * await recorder.stop();
 * ```
 */
import { createConnection, type Socket } from "node:net";

/** One command seen by the server. */
export interface RecordedCommand {
  /** The command name, lower case (`evalsha`, `blpop`, …). */
  name: string;
  /** Its arguments after the name. */
  args: string[];
  /** The client's address, or `lua` for a command a script ran. */
  source: string;
}

/** Names of commands the tests' own probes send, left out of the record. */
const PROBES = new Set(["info", "client", "monitor", "ping", "echo"]);

/** Records the commands clients send, and apart from them those scripts run. */
export class CommandRecorder {
  /** Every command clients sent so far, oldest first. */
  readonly commands: RecordedCommand[] = [];
  /** Every command run inside scripts so far (source `lua`), oldest first. */
  readonly scriptCommands: RecordedCommand[] = [];
  readonly #port: number;
  readonly #seen = new Map<string, () => void>();
  #socket: Socket | undefined;
  #buffer = "";

  private constructor(port: number) {
    this.#port = port;
  }

  /** Starts recording on the server at 127.0.0.1:`port`; resolves once MONITOR is on. */
  static async start(port: number): Promise<CommandRecorder> {
    const recorder = new CommandRecorder(port);
    await recorder.#open();
    return recorder;
  }

  #open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: "127.0.0.1", port: this.#port });
      this.#socket = socket;
      let on = false;
      socket.on("error", (error) => {
        if (!on) reject(error);
      });
      socket.once("connect", () => socket.write("MONITOR\r\n"));
      socket.on("data", (chunk) => {
        this.#buffer += chunk.toString("latin1");
        let end: number;
        while ((end = this.#buffer.indexOf("\r\n")) >= 0) {
          const line = this.#buffer.slice(0, end);
          this.#buffer = this.#buffer.slice(end + 2);
          if (!on) {
            if (line !== "+OK") return reject(new Error(`MONITOR answered ${line}`));
            on = true;
            resolve();
            continue;
          }
          this.#line(line);
        }
      });
    });
  }

  #line(line: string): void {
    // +1339518083.107412 [0 127.0.0.1:60866] "evalsha" "abc…" "6"
    const m = line.match(/^\+\d+\.\d+ \[\d+ ([^\]]+)\] (.*)$/);
    if (!m) return;
    const words = parseQuoted(m[2]);
    if (words.length === 0) return;
    const name = words[0].toLowerCase();
    const args = words.slice(1);
    if (name === "echo" && this.#seen.has(args[0])) {
      this.#seen.get(args[0])!();
      return;
    }
    const source = m[1];
    if (source === "lua") {
      this.scriptCommands.push({ name, args, source });
    } else if (!PROBES.has(name)) {
      this.commands.push({ name, args, source });
    }
  }

  /** A position in the record, for {@linkcode CommandRecorder.since}. */
  mark(): number {
    return this.commands.length;
  }

  /** The commands clients sent after `mark`. */
  since(mark: number): RecordedCommand[] {
    return this.commands.slice(mark);
  }

  /**
   * Resolves once every command the server ran before this call is in the
   * record (MONITOR reports asynchronously).
   */
  flush(): Promise<void> {
    const token = `repid-recorder-${crypto.randomUUID()}`;
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: "127.0.0.1", port: this.#port });
      const timer = setTimeout(
        () => finish(new Error("MONITOR did not report the marker")),
        10_000,
      );
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.#seen.delete(token);
        socket.destroy();
        if (error) reject(error);
        else resolve();
      };
      this.#seen.set(token, () => finish());
      socket.on("error", (error) => finish(error));
      socket.once("connect", () => socket.write(`ECHO ${token}\r\n`));
      socket.on("data", () => {}); // the reply itself does not matter
    });
  }

  /** Stops recording. */
  stop(): Promise<void> {
    this.#socket?.destroy();
    this.#socket = undefined;
    return Promise.resolve();
  }
}

/** Splits MONITOR's `"a" "b\"c" "\x00"` into unescaped words. */
export function parseQuoted(text: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"/g;
  for (const m of text.matchAll(re)) {
    words.push(
      m[1].replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, e: string) => {
        if (e[0] === "x" && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16));
        return { n: "\n", r: "\r", t: "\t", a: "\x07", b: "\b" }[e] ?? e;
      }),
    );
  }
  return words;
}

/** Counts commands by name, for assertion messages. */
export function countByName(commands: RecordedCommand[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of commands) out[c.name] = (out[c.name] ?? 0) + 1;
  return out;
}
