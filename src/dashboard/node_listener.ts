/**
 * Serving a Fetch-API handler (such as the dashboard's) with `node:http`.
 *
 * @module
 */

/** The parts of a `node:http` `IncomingMessage` the listener reads. */
export interface NodeRequest extends AsyncIterable<unknown> {
  /** The method. */
  method?: string;
  /** The path and query. */
  url?: string;
  /** The headers, lower-cased. */
  headers: Record<string, string | string[] | undefined>;
}

/** The parts of a `node:http` `ServerResponse` the listener writes. */
export interface NodeResponse {
  /** Whether the head was written. */
  readonly headersSent: boolean;
  /** Writes the status and headers. */
  writeHead(status: number, headers: Record<string, string | string[]>): unknown;
  /** Writes the body and ends the response. */
  end(body?: Uint8Array | string): unknown;
}

/**
 * A `node:http` request listener that answers through `handler`: the
 * request becomes a `Request` (its body read in full), the `Response` is
 * written back with its status, headers (every `Set-Cookie`) and body.
 *
 * @example
 * ```ts ignore
 * import { createServer } from "node:http";
 * import { dashboard, nodeListener } from "repid/dashboard";
 *
 * createServer(nodeListener(dashboard({ redis: process.env.REDIS_URL }))).listen(8080);
 * ```
 */
export function nodeListener(
  handler: (request: Request) => Promise<Response>,
): (req: NodeRequest, res: NodeResponse) => void {
  return (req, res) => {
    void answer(handler, req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`Internal Server Error: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
}

async function answer(
  handler: (request: Request) => Promise<Response>,
  req: NodeRequest,
  res: NodeResponse,
): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) { for (const v of value) headers.append(name, v); }
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? "GET";
  let body: Blob | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    for await (const chunk of req) chunks.push(chunk as Uint8Array<ArrayBuffer>);
    body = new Blob(chunks);
  }
  const host = req.headers.host ?? "localhost";
  const request = new Request(new URL(req.url ?? "/", `http://${host}`), {
    method,
    headers,
    body,
  });
  const response = await handler(request);
  const out: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") out[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) out["set-cookie"] = cookies;
  res.writeHead(response.status, out);
  res.end(method === "HEAD" ? undefined : new Uint8Array(await response.arrayBuffer()));
}
