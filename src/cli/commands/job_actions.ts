/**
 * The commands that act on one job: `cancel`, `promote` and `remove`
 * (`requeue <id>` is in `requeue_command.ts`). Each prints what actually
 * happened, and exits with 1 when the job was not in a state for the action.
 *
 * @module
 */

import type { JobStatus } from "../../core/job.ts";
import type { Job } from "../../producer/job.ts";
import { type Command, CommandError, type CommandOutput, storeCommand } from "../command.ts";
import { capitalize } from "../output.ts";
import { JOB_QUEUE_OPTION, type JobTarget, jobTarget } from "../targets.ts";
import type { Store } from "../store_connection.ts";

/** What a job action did: done or not, and the job's status as the API reports it. */
export interface JobActionOutcome {
  /** Whether this call did it. */
  done: boolean;
  /** The job's status: after the call (before it for `remove`, whose job is gone). */
  status: JobStatus;
}

/** The parts of a job action command. */
interface JobActionSpec {
  name: string;
  summary: string;
  description: string;
  /** The verb for the store's messages (`cancel job`). */
  action: string;
  /** The past participle (`cancelled`), for the output and the `--json` key. */
  did: string;
  /** What the output says after "<Did> job <id> in queue <q>" when it was done. */
  after: (status: JobStatus) => string;
  act(job: Job<unknown>): Promise<JobActionOutcome>;
}

/**
 * Reads the job, acts on it, and says what happened: the job's id, queue,
 * whether it was done, and its status; exit code 1 when it was not done.
 */
export async function actOnJob(
  target: JobTarget,
  connect: (action: string) => Promise<Store>,
  spec: Pick<JobActionSpec, "action" | "did" | "after" | "act">,
): Promise<CommandOutput> {
  const { action, did, after, act } = spec;
  const { producer } = await connect(action);
  const job = await producer.getJob(target.id, { queue: target.queue });
  const where = `job ${JSON.stringify(target.id)} in queue ${JSON.stringify(target.queue)}`;
  if (!job) throw new CommandError(`no ${where}`);
  const outcome = await act(job);
  const text = outcome.done
    ? `${capitalize(did)} ${where}${after(outcome.status)}.\n`
    : `Not ${did}: ${where} is ${outcome.status}.\n`;
  return {
    text,
    json: { id: target.id, queue: target.queue, [did]: outcome.done, status: outcome.status },
    exitCode: outcome.done ? 0 : 1,
  };
}

function jobActionCommand(spec: JobActionSpec): Command {
  return storeCommand({
    name: spec.name,
    usage: "<id> --queue Q",
    summary: spec.summary,
    description: `${spec.description}
Prints what happened; exits with 1 when the job was not ${spec.did} (its status
says why) or does not exist.`,
    options: [JOB_QUEUE_OPTION],
    examples: [`welcome-42 --queue emails`, `welcome-42 --queue emails --json`],
    async run({ line, connect }) {
      const target = jobTarget(line, `Cannot ${spec.action}`);
      return await actOnJob(target, connect, spec);
    },
  });
}

/** `repid cancel <id>`. */
export const cancelCommand = jobActionCommand({
  name: "cancel",
  summary: "Cancel a job (a running one is aborted)",
  description: `
Cancels the job <id> of queue Q: a queued or deferred job never starts; a
running one has its signal aborted with a JobCancelledError on whichever
worker runs it, is not retried, and a late return value is discarded. A job
that finished first (it won the race with the cancel) keeps its result.`,
  action: "cancel job",
  did: "cancelled",
  after: () => ": it will not run (again)",
  act: async (job) => {
    const { cancelled, status } = await job.cancel();
    return { done: cancelled, status };
  },
});

/** `repid promote <id>`. */
export const promoteCommand = jobActionCommand({
  name: "promote",
  summary: "Make a deferred job due now",
  description: `
Makes the deferred job <id> of queue Q due now: a worker takes it next.`,
  action: "promote job",
  did: "promoted",
  after: () => ": it is due now, a worker takes it next",
  act: async (job) => {
    const { promoted, status } = await job.promote();
    return { done: promoted, status };
  },
});

/** `repid remove <id>`. */
export const removeCommand = jobActionCommand({
  name: "remove",
  summary: "Delete a job (not a running one: cancel it)",
  description: `
Deletes the job <id> of queue Q, whatever its state, with its result, except
a running job, which is left as it is (cancel it first).`,
  action: "remove job",
  did: "removed",
  after: (status) => ` (it was ${status})`,
  act: async (job) => {
    const { removed, status } = await job.remove();
    return { done: removed, status };
  },
});
