/**
 * Finding the actors a module exports. Pure logic over the module's
 * namespace object, no I/O.
 *
 * @module
 */
import { type ActorDefinition, type ActorFunction } from "../worker/actor.ts";
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
    options?: {
        name: string;
    };
}
/**
 * The actors among a module's exports, in export order:
 * - an actor definition (from `defineActor`) under its own name;
 * - any other function under its export name (a default-exported function
 *   under its own name, skipped when anonymous);
 * - classes, a definition exported twice, and a function that is the body
 *   of an exported definition are skipped; other values are ignored.
 */
export declare function exportedActors(namespace: Record<string, unknown>): ExportedActor[];
