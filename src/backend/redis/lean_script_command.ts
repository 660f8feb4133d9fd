/**
 * The commands of Repid's scripts, built so that V8 keeps none of their
 * parts in old space.
 *
 * V8 allocates a function literal that is assigned straight to a property
 * (`this.reject = (err) => { … }`) in old space ("pretenured": the parser
 * takes such functions for methods that live long), in every tier but
 * Turbofan. ioredis does that twice for every script command: in
 * `Command.initPromise` and in the `toWritable` of the command class that
 * `defineCommand` makes. The old closure's context holds the command, its
 * promise, its arguments and its reply, and everything that awaits it, so
 * each of them survives the next scavenge and is promoted: on Deno (where
 * much of ioredis runs in Maglev code) a worker at concurrency 1 promoted
 * about 820 KB per scavenge and peaked at 140 MB, nearly every job of the
 * interval. Here the same closures are made by plain functions (a call's
 * result is allocated in new space), and the rest is ioredis's own code.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { Command } from "ioredis";
import type { AnyRedis } from "./connection.ts";

/**
 * The SHA-1 of the source text of the two ioredis methods this file redoes
 * (`Command.prototype.initPromise`, and the `toWritable` of a script's
 * command class), in the ioredis versions it was checked against (5.11.1:
 * its text on Deno and Node, then as Bun 1.4's transpiler gives it). Another
 * text (another ioredis) keeps ioredis's own class: what this file redoes
 * must be what ioredis does.
 */
const KNOWN_SOURCES = {
  initPromise: new Set([
    "a9f3319789016c93ccf584ea18ea3c1e8f547341",
    "854cb4fa0c4c18700a52f9b624028b196f3c8bcc",
  ]),
  toWritable: new Set([
    "0dfab21fc5057f0dc1c98851137381506cdb17a1",
    "589f6ffd2c5a2a421a9e4635e11329b310c2fd0c",
  ]),
};

function sourceHash(fn: unknown): string {
  return createHash("sha1").update(String(fn)).digest("hex");
}

/** Whether the ioredis methods redone here are those of a version checked against (asked once). */
let knownIoredis: boolean | undefined;

/** The parts of an ioredis `Command` this file uses (private in its types). */
interface CommandInternals {
  name: string;
  args: unknown[];
  callback?: unknown;
  errorStack?: unknown;
  transformed: boolean;
  promise: Promise<unknown>;
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  stringifyArguments(): void;
  initPromise(): void;
  toWritable(socket: object): string | Uint8Array;
  _convertValue(resolve: (value: unknown) => void): (value: unknown) => void;
  _clearTimers(): void;
}

/** The parts of an ioredis `Script` (from `defineCommand`) this file uses. */
interface ScriptInternals {
  lua: string;
  sha: string;
  Command: unknown;
}

type CommandClass = new (
  name: string,
  args?: unknown[],
  options?: object,
  callback?: unknown,
) => CommandInternals;

const Base = Command as unknown as CommandClass & {
  _transformer?: { argument?: Record<string, ((args: unknown[]) => unknown[]) | undefined> };
};
/** The scripts whose command class is already replaced. */
const replaced = new WeakSet<object>();

/** `Command.initPromise`'s reject, made by a call so that it is young. */
function commandRejecter(
  command: CommandInternals,
  reject: (err: Error) => void,
): (err: Error) => void {
  return (err) => {
    command._clearTimers();
    reject(err);
  };
}

/** The reject `toWritable` wraps: a NOSCRIPT reply makes the next send an EVAL. */
function noScriptRejecter(
  command: CommandInternals,
  original: (err: Error) => void,
  loaded: WeakSet<object>,
  socket: object,
): (err: Error) => void {
  return (err) => {
    if (err.message.indexOf("NOSCRIPT") !== -1) loaded.delete(socket);
    original.call(command, err);
  };
}

/** ioredis's `Command` with its reject made by a call. */
class LeanCommand extends Base {
  override initPromise(): void {
    // A callback (not given by scripts) or a friendly error stack (a debug
    // option) takes ioredis's own path, which handles them.
    if (this.callback !== undefined || this.errorStack) return super.initPromise();
    this.promise = new Promise((resolve, reject) => {
      if (!this.transformed) {
        this.transformed = true;
        const transformer = Base._transformer?.argument?.[this.name];
        if (transformer) this.args = transformer(this.args);
        this.stringifyArguments();
      }
      this.resolve = this._convertValue(resolve);
      this.reject = commandRejecter(this, reject);
    });
  }
}

/**
 * Gives the script `name` defined on `client` a command class that does what
 * ioredis's does (EVAL the first time on a connection and after NOSCRIPT,
 * EVALSHA otherwise) without old-space closures. A client whose ioredis lacks
 * the parts used, or has other code in the methods redone here (another
 * version), keeps its own class.
 *
 * @param client The client the script is defined on.
 * @param name The script's command name.
 */
export function useLeanScriptCommand(client: AnyRedis, name: string): void {
  const script = (client as unknown as { scriptsSet?: Record<string, ScriptInternals> })
    .scriptsSet?.[name];
  if (!script || replaced.has(script) || typeof script.Command !== "function") return;
  if (typeof script.lua !== "string" || typeof script.sha !== "string") return;
  const proto = Base.prototype as unknown as Record<string, unknown>;
  for (const method of ["initPromise", "_convertValue", "_clearTimers", "stringifyArguments"]) {
    if (typeof proto[method] !== "function") return;
  }
  const scriptProto = (script.Command as { prototype: Record<string, unknown> }).prototype;
  knownIoredis ??= KNOWN_SOURCES.initPromise.has(sourceHash(proto.initPromise)) &&
    KNOWN_SOURCES.toWritable.has(sourceHash(scriptProto.toWritable));
  if (!knownIoredis) return;
  const { lua, sha } = script;
  const loaded = new WeakSet<object>();
  script.Command = class LeanScriptCommand extends LeanCommand {
    override toWritable(socket: object): string | Uint8Array {
      this.reject = noScriptRejecter(this, this.reject, loaded, socket);
      if (!loaded.has(socket)) {
        loaded.add(socket);
        this.name = "eval";
        this.args[0] = lua;
      } else if (this.name === "eval") {
        this.name = "evalsha";
        this.args[0] = sha;
      }
      return super.toWritable(socket);
    }
  };
  replaced.add(script);
}
