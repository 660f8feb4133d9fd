/**
 * `--state S`: the state of a queue's jobs a command lists or acts on,
 * checked against the states the library names before anything is sent.
 *
 * @module
 */

import { QUEUE_STATES, type QueueState } from "../core/queue_state.ts";
import { type CommandLine, type OptionSpec, UsageError } from "./command_line.ts";

/** `--state S`, naming the states a command takes. */
export function stateOptionSpec(states: readonly QueueState[] = QUEUE_STATES): OptionSpec {
  return { flag: "--state", value: "S", help: `The jobs' state: ${states.join(", ")}` };
}

/**
 * The state `--state` names, one of `states`; throws a {@linkcode UsageError}
 * naming the value and the states when it is none of them or missing.
 *
 * @example
 * ```ts ignore
 * stateOption(line, FINISHED_STATES); // "dead"
 * ```
 */
export function stateOption<S extends QueueState>(
  line: CommandLine,
  states: readonly S[],
): S {
  const use = line.last("--state");
  if (!use) throw new UsageError(`no --state given: one of ${states.join(", ")} (see --help)`);
  if (!(states as readonly string[]).includes(use.value)) {
    throw new UsageError(
      `option ${use.typed} is ${JSON.stringify(use.value)}, expected one of ${states.join(", ")}`,
    );
  }
  return use.value as S;
}
