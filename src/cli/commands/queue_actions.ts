/**
 * The commands that act on a whole queue: `pause`, `resume` and `purge`
 * (`requeue <queue> --state S` is in `requeue_command.ts`).
 *
 * @module
 */

import { type Command, type CommandOutput, storeCommand } from "../command.ts";
import { capitalize } from "../output.ts";
import { queueTarget } from "../targets.ts";
import { QUEUE_STATES } from "../../core/queue_state.ts";
import { stateOption, stateOptionSpec } from "../state_option.ts";

/** The states `purge` takes: every state but active (running jobs are cancelled instead). */
const PURGEABLE = QUEUE_STATES.filter((s) => s !== "active");

/** The parts of `pause` and `resume`. */
interface PauseSpec {
  name: "pause" | "resume";
  summary: string;
  description: string;
  /** The queue's state after the command. */
  paused: boolean;
  /** What the command says when it changed the queue, and when it did not. */
  said: (queue: string, changed: boolean) => string;
}

/** `pause` or `resume`: exits with 0 either way, the output says whether it changed anything. */
function pauseCommandOf(spec: PauseSpec): Command {
  return storeCommand({
    name: spec.name,
    usage: "<queue>",
    summary: spec.summary,
    description: spec.description,
    examples: ["emails", "emails --json"],
    async run({ line, connect }) {
      const queue = queueTarget(line, `Cannot ${spec.name} queue`);
      const { producer } = await connect(`${spec.name} queue`);
      const q = producer.queue(queue);
      const changed = await (spec.paused ? q.pause() : q.resume());
      return { text: spec.said(queue, changed), json: { queue, paused: spec.paused, changed } };
    },
  });
}

/** `repid pause <queue>`. */
export const pauseCommand = pauseCommandOf({
  name: "pause",
  summary: "Pause a queue: no new job of it starts",
  description: `
Pauses <queue>: once this returns, no worker in any process starts a new job
of it (running ones finish) until \`resume\`. Enqueueing still works: the jobs
wait. The pause is stored with the queue and holds across worker restarts.`,
  paused: true,
  said: (queue, changed) =>
    changed
      ? `Paused queue ${queue}: no worker starts a new job of it until resume.\n`
      : `Queue ${queue} was already paused.\n`,
});

/** `repid resume <queue>`. */
export const resumeCommand = pauseCommandOf({
  name: "resume",
  summary: "Resume a paused queue",
  description: `
Resumes the paused <queue>: its idle workers are woken at once and take its
waiting jobs.`,
  paused: false,
  said: (queue, changed) =>
    changed ? `Resumed queue ${queue}.\n` : `Queue ${queue} was not paused.\n`,
});

/** `repid purge <queue> --state S`. */
export const purgeCommand = storeCommand({
  name: "purge",
  usage: "<queue> --state S",
  summary: "Delete every job of a queue in a state",
  description: `
Deletes every job of <queue> in state S (not active: running jobs are
cancelled, not purged), oldest first, in batches of 500 jobs per call so that
Redis is never blocked for long; prints how many were deleted.`,
  options: [stateOptionSpec(PURGEABLE)],
  examples: ["emails --state done", "emails --state dead --json"],
  async run({ line, connect }) {
    const queue = queueTarget(line, "Cannot purge queue");
    const state = stateOption(line, PURGEABLE);
    const { producer } = await connect("purge queue");
    return bulkOutput(queue, state, "purged", await producer.queue(queue).purge({ state }));
  },
});

/**
 * What a command that acts on every job of a state prints: how many jobs it
 * `did` (`purged`), as a sentence, or as `{ queue, state, purged: n }`.
 */
export function bulkOutput(queue: string, state: string, did: string, n: number): CommandOutput {
  return {
    text: `${capitalize(did)} ${n} ${state} job${n === 1 ? "" : "s"} of queue ${queue}.\n`,
    json: { queue, state, [did]: n },
  };
}
