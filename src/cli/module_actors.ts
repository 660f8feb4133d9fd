/**
 * Finding the actors a module exports. Pure logic over the module's
 * namespace object, no I/O.
 *
 * @module
 */

import { type ActorDefinition, type ActorFunction, isActorDefinition } from "../worker/actor.ts";

/** One actor found among a module's exports. */
export interface ExportedActor {
  /** The export it was found under. */
  exportName: string;
  /** The actor's name: a definition's own name, else the export name. */
  name: string;
  /** The actor's queue (`default` for a plain function). */
  queue: string;
  /** What to register with `worker.actor()`. */
  actor: ActorDefinition | ActorFunction;
  /** Options to register it with (the name of a plain function). */
  options?: { name: string };
}

/**
 * The actors among a module's exports, in export order:
 * - an actor definition (from `defineActor`) under its own name;
 * - any other function under its export name (a default-exported function
 *   under its own name, skipped when anonymous);
 * - classes, a definition exported twice, and a function that is the body
 *   of an exported definition are skipped; other values are ignored.
 */
export function exportedActors(namespace: Record<string, unknown>): ExportedActor[] {
  const values = Object.keys(namespace).map((key) => [key, namespace[key]] as const);
  const definitionBodies = new Set<unknown>();
  for (const [, value] of values) {
    if (isActorDefinition(value)) definitionBodies.add(value.fn);
  }
  const seen = new Set<unknown>();
  const found: ExportedActor[] = [];
  for (const [exportName, value] of values) {
    if (seen.has(value)) continue;
    if (isActorDefinition(value)) {
      seen.add(value);
      found.push({ exportName, name: value.name, queue: value.queue, actor: value });
    } else if (typeof value === "function" && !isClass(value) && !definitionBodies.has(value)) {
      const name = exportName === "default" ? value.name : exportName;
      if (!name) continue;
      seen.add(value);
      found.push({
        exportName,
        name,
        queue: "default",
        actor: value as ActorFunction,
        options: { name },
      });
    }
  }
  return found;
}

function isClass(fn: unknown): boolean {
  try {
    return /^class[\s{]/.test(Function.prototype.toString.call(fn));
  } catch {
    return false;
  }
}
