/**
 * Checking sync actors' modules before a worker starts: each module is
 * imported once in a thread (where the actors will run, with the thread's
 * module loader), and every actor's export must be a function. A module that
 * cannot load (a `.ts` URL after `tsc` turned it into `.js`) or lacks the
 * export is refused at `runForever()` instead of failing each job later.
 *
 * @module
 */

import type { JobError } from "../core/job.ts";
import { ActorLoadError } from "../errors.ts";
import { spawnThread, type ThreadApi } from "../runtime/threads.ts";

/** What the probe thread is sent. */
export interface ProbeRequest {
  /** The module URLs to import. */
  modules: string[];
}

/** What the probe thread answers for one module: its exports (name, `typeof`), or the error. */
export type ProbeAnswer =
  | { url: string; exports: [name: string, type: string][]; error?: undefined }
  | { url: string; error: JobError; exports?: undefined };

/** A sync actor to check: its name, module URL and export. */
export interface ThreadActorRef {
  /** The actor's name. */
  actor: string;
  /** The module's URL. */
  module: string;
  /** The export it calls. */
  exportName: string;
}

/**
 * The sync actors (those with a module) among `actors`.
 *
 * @example
 * ```ts ignore
 * await checkThreadActors(threadActorRefs(definitions));
 * ```
 */
export function threadActorRefs(
  actors: Iterable<{ name: string; module?: string; exportName?: string }>,
): ThreadActorRef[] {
  const out: ThreadActorRef[] = [];
  for (const a of actors) {
    if (a.module !== undefined) {
      out.push({ actor: a.name, module: a.module, exportName: a.exportName ?? "default" });
    }
  }
  return out;
}

/** How long the probe thread may take to import the modules. */
const PROBE_LIMIT_MS = 60_000;

/**
 * Imports the modules of `actors` in one thread and checks their exports.
 * Rejects with an {@linkcode ActorLoadError} naming the actor, the URL and
 * the import's error, or the exports found.
 *
 * @example
 * ```ts ignore
 * await checkThreadActors([{ actor: "count", module: "file:///app/count.js", exportName: "default" }]);
 * ```
 */
export async function checkThreadActors(
  actors: readonly ThreadActorRef[],
  api?: ThreadApi,
): Promise<void> {
  if (actors.length === 0) return;
  const modules = [...new Set(actors.map((a) => a.module))];
  const answers = await probeModules(modules, api);
  const byUrl = new Map(answers.map((a) => [a.url, a]));
  for (const { actor, module, exportName } of actors) {
    const answer = byUrl.get(module);
    if (!answer) throw new ActorLoadError(actor, module, "the check thread gave no answer");
    if (answer.error) {
      throw new ActorLoadError(
        actor,
        module,
        `the module does not load in a thread (${answer.error.name}: ${answer.error.message})`,
      );
    }
    const type = answer.exports.find(([name]) => name === exportName)?.[1];
    if (type === "function") continue;
    const found = answer.exports.length === 0
      ? "it has no exports"
      : `its exports are ${answer.exports.map(([n, t]) => `${n} (${t})`).join(", ")}`;
    throw new ActorLoadError(
      actor,
      module,
      type === undefined
        ? `it has no export "${exportName}"; ${found}`
        : `its export "${exportName}" is a ${type}, expected a function; ${found}`,
    );
  }
}

function probeModules(modules: string[], api?: ThreadApi): Promise<ProbeAnswer[]> {
  const ext = /\.[cm]?[jt]s$/.exec(new URL(import.meta.url).pathname)?.[0] ?? ".js";
  const entry = new URL(`./probe_entry${ext}`, import.meta.url);
  return new Promise<ProbeAnswer[]>((resolve, reject) => {
    let settled = false;
    let thread: Awaited<ReturnType<typeof spawnThread>> | undefined;
    const finish = (error: Error | undefined, answers?: ProbeAnswer[]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void thread?.terminate();
      if (error) reject(error);
      else resolve(answers!);
    };
    const timer = setTimeout(
      () => finish(new Error(`the module check thread did not answer in ${PROBE_LIMIT_MS} ms`)),
      PROBE_LIMIT_MS,
    );
    spawnThread(
      entry,
      {
        message: (data) => finish(undefined, data as ProbeAnswer[]),
        died: (error) => finish(new Error(`the module check thread died: ${error.message}`)),
      },
      api,
      "repid-probe",
    ).then((t) => {
      thread = t;
      if (settled) void t.terminate();
      else t.post({ modules } satisfies ProbeRequest);
    }, (error) => finish(error as Error));
  });
}
