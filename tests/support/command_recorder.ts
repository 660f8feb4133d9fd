/**
 * Test support: recording the commands clients send to a Redis server, with
 * MONITOR. (`INFO commandstats` also counts the commands that scripts run,
 * and Redis 7.0's CLIENT LIST has no per-connection command count, so
 * MONITOR is the exact way to count what a worker sends.) Use it only on a
 * server of the test's own: MONITOR sees every client.
 *
 * ```ts
 * const recorder = await CommandRecorder.start(server.url);
 * const mark = recorder.mark();
 * // ... let the worker idle ...
 * console.log(recorder.since(mark).length);
 * await recorder.stop();
 * ```
 */
import { Redis } from "ioredis";

/** One command a client sent. */
export interface RecordedCommand {
  /** The command name, lower case (`evalsha`, `blpop`, …). */
  name: string;
  /** Its arguments after the name. */
  args: string[];
  /** The client's address. */
  source: string;
}

/** Names of commands the tests' own probes send, left out of the record. */
const PROBES = new Set(["info", "client", "monitor", "ping"]);

/** Records the commands clients send, and apart from them those scripts run. */
export class CommandRecorder {
  /** Every command clients sent so far, oldest first. */
  readonly commands: RecordedCommand[] = [];
  /** Every command run inside scripts so far (source `lua`), oldest first. */
  readonly scriptCommands: RecordedCommand[] = [];
  readonly #client: Redis;
  readonly #marker: Redis;
  readonly #seen = new Map<string, () => void>();
  #monitor: { disconnect(): void } | undefined;

  private constructor(url: string) {
    this.#client = new Redis(url);
    this.#marker = new Redis(url);
  }

  /** Starts recording on the server at `url`. */
  static async start(url: string): Promise<CommandRecorder> {
    const recorder = new CommandRecorder(url);
    const monitor = await recorder.#client.monitor();
    recorder.#monitor = monitor;
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      if (args.length === 0) return;
      const name = String(args[0]).toLowerCase();
      if (source === "lua") {
        recorder.scriptCommands.push({ name, args: args.slice(1).map(String), source });
        return;
      }
      if (name === "echo" && recorder.#seen.has(String(args[1]))) {
        recorder.#seen.get(String(args[1]))!();
        return;
      }
      if (PROBES.has(name)) return;
      recorder.commands.push({ name, args: args.slice(1).map(String), source });
    });
    return recorder;
  }

  /** A position in the record, for {@linkcode CommandRecorder.since}. */
  mark(): number {
    return this.commands.length;
  }

  /** The commands recorded after `mark`. */
  since(mark: number): RecordedCommand[] {
    return this.commands.slice(mark);
  }

  /**
   * Resolves once every command the server ran before this call is in the
   * record (MONITOR reports asynchronously).
   */
  async flush(): Promise<void> {
    const token = `repid-recorder-${crypto.randomUUID()}`;
    const seen = new Promise<void>((resolve) => this.#seen.set(token, resolve));
    await this.#marker.echo(token);
    await seen;
    this.#seen.delete(token);
  }

  /** Stops recording and closes the connections. */
  stop(): Promise<void> {
    this.#monitor?.disconnect();
    this.#client.disconnect();
    this.#marker.disconnect();
    return Promise.resolve();
  }
}

/** Counts commands by name, for assertion messages. */
export function countByName(commands: RecordedCommand[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of commands) out[c.name] = (out[c.name] ?? 0) + 1;
  return out;
}
