/**
 * examples/: every example runs as a subprocess, ends by itself with exit
 * code 0, and prints what its comments promise. Each run gets its own key
 * prefix (REPID_PREFIX), removed afterwards.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cleanup, testPrefix } from "../support/redis.ts";
import { runDeno, within } from "../support/subprocess.ts";

interface Example {
  file: string;
  /** Lines (strings must appear as given; regexps must match). */
  expect: (string | RegExp)[];
}

const EXAMPLES: Example[] = [
  { file: "worker.ts", expect: ['string_length("hello") = 5'] },
  {
    file: "producer.ts",
    expect: [
      /^enqueued job [\w-]+ for string_length on queue default$/m,
      "status before any worker runs: queued",
      "result before it ran (no waiting): null",
      "status: done, value: 11",
      "read by id: 11",
    ],
  },
  { file: "non_default_queue.ts", expect: [/^hi$/m, "job on queue myqueue: done"] },
  {
    file: "error_handling.ts",
    expect: [
      "exceptional_actor(2): done, value 2, attempts 1",
      "exceptional_actor(3): failed after 4 attempts",
      "last error: Error: 3 is not allowed",
      "errors kept: 4",
    ],
  },
  {
    file: "defer_until.ts",
    expect: [
      /^status: deferred until \d{4}-/m,
      /^started \d+ ms after its time: happy new year!$/m,
    ],
  },
  {
    file: "results.ts",
    expect: [
      "before a worker runs, getResult() is null",
      "waitResult({ timeoutMs: 200 }) timed out",
      "success: true, status: done, value: null",
      '"actor": "some_job"',
    ],
  },
  {
    file: "typed_producer.ts",
    expect: ['string_length("typed") = 5', "add(2, 3) = 5", "hello_another_queue on myqueue: hi"],
  },
  {
    file: "demo.ts",
    expect: [
      /✔ done +string_length/,
      /↻ retrying +exceptional_actor/,
      "= failed: 4 attempts, 4 errors kept",
      /= fired \d+ ms after its time: happy new year!/,
      '"success":true,"value":null',
      "\r  draining: 3000/3000 done",
      "= 3000/3000 results correct",
      /= 3000 jobs enqueued, run and awaited in [\d.]+ s: \d+ jobs\/s/,
      "Done.",
    ],
  },
];

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function runExample(file: string): Promise<Outcome> {
  const prefix = testPrefix(`example-${file.replace(/\.ts$/, "")}`);
  const run = runDeno(["run", "-A", `examples/${file}`], { REPID_PREFIX: prefix });
  try {
    const { code } = await within(run.exited, 120_000, `examples/${file}`);
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  } finally {
    run.kill();
    await cleanup(prefix);
  }
}

/** Runs at most `n` tasks at once, in the order they were given. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

// The examples run two at a time, all started as soon as this file loads.
const limit = limiter(2);
const outcomes = new Map(EXAMPLES.map((e) => [e.file, limit(() => runExample(e.file))]));

for (const example of EXAMPLES) {
  test(`examples/${example.file} ends by itself with exit code 0 and its expected output`, async () => {
    const { code, stdout, stderr } = await outcomes.get(example.file)!;
    assert.equal(code, 0, `exit code ${code}\n${stdout}\n${stderr}`);
    for (const line of example.expect) {
      if (typeof line === "string") assert.ok(stdout.includes(line), `missing ${line}:\n${stdout}`);
      else assert.match(stdout, line);
    }
  });
}
