/**
 * The import graph of `src/`: no module imports itself through others, and
 * the producer and the pure core never import the worker.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Each module of `src/` (relative path) → the modules of `src/` it imports (types too). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"/gms)]
      .map((m) => relative(SRC, resolve(dirname(file), m[1])));
    graph.set(relative(SRC, file), targets);
  }
  return graph;
}

/** A cycle of imports, as the list of modules on it, or `undefined` when there is none. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const at = path.indexOf(node);
    if (at >= 0) return [...path.slice(at), node];
    if (done.has(node)) return undefined;
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe("src/ import graph", () => {
  it("has no import cycle (repid.ts and schedule.ts among them)", () => {
    const graph = importGraph();
    assert.ok(graph.get("producer/schedule.ts")?.length, "schedule.ts was read");
    assert.equal(findCycle(graph)?.join(" → "), undefined);
  });

  it("keeps the producer and the core apart from the worker", () => {
    const intoWorker = [...importGraph()]
      .filter(([from]) => from.startsWith("producer/") || from.startsWith("core/"))
      .flatMap(([from, targets]) =>
        targets.filter((t) => t.startsWith("worker/")).map((t) => `${from} → ${t}`)
      );
    assert.deepEqual(intoWorker, []);
  });
});
