/**
 * Which scripts touch keys they do not declare, and the flag that lets
 * Dragonfly run them.
 *
 * Every key a script touches lives in its queue's slot (the `{queue}` hash
 * tag), so Redis and Redis Cluster run every script. But most of them
 * build job (or schedule) keys from a declared prefix and an id they read
 * (fetch pops ids it cannot know in advance), or the keys of the
 * finished-jobs indexes or of flow control from the queue's key prefix: those are sent with
 * Dragonfly's per-script flag line `--!df flags=allow-undeclared-keys` (a
 * comment to Redis). A proxy that routes or checks scripts by their
 * declared keys alone cannot run them: use a cluster-aware client instead.
 *
 * @module
 */

import type { Script } from "./scripts/common.ts";

/** Dragonfly's flag line for a script that touches undeclared keys. */
export const UNDECLARED_KEYS_FLAG = "--!df flags=allow-undeclared-keys";

/**
 * `true` when the script builds a key from a declared prefix (`KEYS[n] .. id`,
 * `prefix .. id`, `states .. status`, or a flow key `base .. '<suffix>'`, see the `flow`
 * fragment).
 */
export function touchesUndeclaredKeys(script: Script): boolean {
  return /(KEYS\[\d+\]|[pP]refix|states)\s*\.\.\s*[A-Za-z_]|\bbase \.\. '/.test(script.lua);
}

/**
 * The script as Repid sends it: with the flag line when it touches
 * undeclared keys, after its `#!lua` line when it has one (Redis reads
 * script flags from the first line only).
 */
export function withStoreFlags(script: Script): Script {
  if (!touchesUndeclaredKeys(script)) return script;
  const lua = script.lua;
  const at = lua.startsWith("#!") ? lua.indexOf("\n") + 1 : 0;
  return { ...script, lua: `${lua.slice(0, at)}${UNDECLARED_KEYS_FLAG}\n${lua.slice(at)}` };
}
