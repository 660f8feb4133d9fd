/**
 * Finding the actors a module exports. Pure logic over the module's
 * namespace object, no I/O.
 *
 * @module
 */
import { isActorDefinition } from "../worker/actor.js";
/**
 * The actors among a module's exports, in export order:
 * - an actor definition (from `defineActor`) under its own name;
 * - any other function under its export name (a default-exported function
 *   under its own name, skipped when anonymous);
 * - classes, a definition exported twice, and a function that is the body
 *   of an exported definition are skipped; other values are ignored.
 */
export function exportedActors(namespace) {
    const values = Object.keys(namespace).map((key) => [key, namespace[key]]);
    const definitionBodies = new Set();
    for (const [, value] of values) {
        if (isActorDefinition(value))
            definitionBodies.add(value.fn);
    }
    const seen = new Set();
    const found = [];
    for (const [exportName, value] of values) {
        if (seen.has(value))
            continue;
        if (isActorDefinition(value)) {
            seen.add(value);
            found.push({ exportName, name: value.name, queue: value.queue, actor: value });
        }
        else if (typeof value === "function" && !isClass(value) && !definitionBodies.has(value)) {
            const name = exportName === "default" ? value.name : exportName;
            if (!name)
                continue;
            seen.add(value);
            found.push({
                exportName,
                name,
                queue: "default",
                actor: value,
                options: { name },
            });
        }
    }
    return found;
}
function isClass(fn) {
    try {
        return /^class[\s{]/.test(Function.prototype.toString.call(fn));
    }
    catch {
        return false;
    }
}
