/**
 * The job scripts on one client: each defined once (with its store flags
 * line, a copy without it for servers that lack script flags, and a sharded
 * pub/sub variant on a cluster), and run by name with Repid's errors.
 *
 * @module
 */

import type { AnyRedis } from "./connection.ts";
import { scripts } from "./scripts/mod.ts";
import { withoutFlags } from "./scripts/common.ts";
import { isShebangUnsupported, redisStoreError } from "./redis_errors.ts";
import { withStoreFlags } from "./script_flags.ts";
import { useLeanScriptCommand } from "./lean_script_command.ts";
import {
  publishes,
  type PubSubMode,
  SHARDED_SUFFIX,
  shardedVariant,
  useSharded,
} from "./pubsub_mode.ts";

/** Script arguments; an array argument is sent as its elements (no spread of long lists). */
export type ScriptArg = string | number | (string | number)[];
type ScriptFn = (...args: ScriptArg[]) => Promise<unknown>;
/** The suffix of the name a script is defined under without its flags line (Redis < 7). */
const NO_FLAGS = "NoFlags";

/** Runs the job scripts on a client. */
export class ScriptRunner {
  readonly #client: AnyRedis;
  readonly #pubsub: PubSubMode;
  /** Whether finished messages use sharded pub/sub; `undefined` until known. */
  #sharded: boolean | undefined;
  #shardedKnown: Promise<boolean> | undefined;
  /** The scripts that publish (and so have a sharded variant). */
  readonly #publishing = new Set<string>();
  /** Set once the server refused a script's flags line (Redis < 7): scripts run without it. */
  #noFlags = false;

  /**
   * Defines every script on `client` (once per client).
   *
   * @param client The client.
   * @param pubsub How finished jobs are announced.
   */
  constructor(client: AnyRedis, pubsub: PubSubMode) {
    this.#client = client;
    this.#pubsub = pubsub;
    if (!["auto", "sharded", "broadcast"].includes(pubsub)) {
      throw new TypeError(
        `Cannot connect to Redis: option pubsub is ${
          JSON.stringify(pubsub)
        }, expected "auto", "sharded" or "broadcast"`,
      );
    }
    if (!client.isCluster) this.#sharded = false;
    for (const original of scripts) {
      const s = withStoreFlags(original);
      const all = client.isCluster && publishes(s) ? [s, shardedVariant(s)] : [s];
      if (all.length > 1) this.#publishing.add(s.name);
      for (const v of all) {
        if (!(v.name in client)) client.defineCommand(v.name, { numberOfKeys: v.keys, lua: v.lua });
        useLeanScriptCommand(client, v.name);
        const plain = withoutFlags(v.lua);
        if (plain !== v.lua && !(v.name + NO_FLAGS in client)) {
          client.defineCommand(v.name + NO_FLAGS, { numberOfKeys: v.keys, lua: plain });
        }
        if (plain !== v.lua) useLeanScriptCommand(client, v.name + NO_FLAGS);
      }
    }
  }

  async run(action: string, script: string, ...args: ScriptArg[]): Promise<unknown> {
    const commands = this.#client as unknown as Record<string, ScriptFn>;
    try {
      if (this.#sharded === undefined) await this.isSharded();
      const name = this.#sharded && this.#publishing.has(script) ? script + SHARDED_SUFFIX : script;
      if (this.#noFlags && name + NO_FLAGS in commands) {
        return await commands[name + NO_FLAGS](...args);
      }
      try {
        return await commands[name](...args);
      } catch (error) {
        if (!isShebangUnsupported(error) || !(name + NO_FLAGS in commands)) throw error;
        this.#noFlags = true;
        return await commands[name + NO_FLAGS](...args);
      }
    } catch (error) {
      throw redisStoreError(action, error);
    }
  }

  /** Whether finished messages use sharded pub/sub (asked once; a failed ask is asked again). */
  isSharded(): Promise<boolean> {
    if (this.#sharded !== undefined) return Promise.resolve(this.#sharded);
    this.#shardedKnown ??= useSharded(this.#client, this.#pubsub).then(
      (sharded) => this.#sharded = sharded,
      (error) => {
        this.#shardedKnown = undefined;
        throw error;
      },
    );
    return this.#shardedKnown;
  }
}
