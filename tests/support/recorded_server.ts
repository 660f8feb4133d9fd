/**
 * Test support: a private `redis-server` with a {@linkcode CommandRecorder}
 * on it, for tests that count the commands clients send.
 *
 * ```ts
 * await withRecordedServer(6390, async (server, recorder) => {
 *   // ... use server.url, count recorder.commands ...
 * });
 * ```
 */
import { CommandRecorder } from "./command_recorder.ts";
import { RedisServer } from "./redis_server.ts";

/** Starts a server on `port` and a recorder on it, runs `body`, then stops both. */
export async function withRecordedServer(
  port: number,
  body: (server: RedisServer, recorder: CommandRecorder) => Promise<void>,
): Promise<void> {
  const server = await RedisServer.start({ port });
  let recorder: CommandRecorder | undefined;
  try {
    recorder = await CommandRecorder.start(server.port);
    await body(server, recorder);
  } finally {
    await recorder?.stop();
    await server.stop();
  }
}
