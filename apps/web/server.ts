import * as http from "node:http";
import { HEALTH_PATH } from "#contract";
import { closeServer, type HttpMetrics, routeOf } from "#metrics";
import type { RecordStore } from "#records";

/** What the request handler needs. */
export interface WebServerOptions {
  readonly store: RecordStore;
  /** Largest accepted record body in bytes; larger ones get 413. */
  readonly maxRecordBytes: number;
  /** Where every request is measured (served by the metrics server). @default none: not measured */
  readonly metrics?: HttpMetrics;
}

/** The route templates the metrics name; any other path counts as "other". */
export const ROUTES: readonly string[] = [HEALTH_PATH, "/records"];

/** A running server and the way to stop it gracefully. */
export interface WebServer {
  readonly server: http.Server;
  /** Stops accepting, lets in-flight requests finish (up to graceMs), then closes the store. */
  shutdown(graceMs: number): Promise<void>;
}

/** What a route answers: status, JSON payload, extra headers. */
interface Reply {
  readonly status: number;
  readonly payload: unknown;
  readonly headers?: Record<string, string>;
}

/**
 * The HTTP API: `GET /healthz` (200, or 503 while shutting down), `POST /records` (stores the
 * body durably, 201 with the record), `GET /records` (every record, oldest first).
 */
export function createWebServer(options: WebServerOptions): WebServer {
  let stopping = false;
  const server = http.createServer((req, res) => {
    options.metrics?.track(req, res, routeOf(req.url, ROUTES));
    route(req, options, stopping).then(
      (reply) => send(res, reply, stopping),
      (error: unknown) => {
        console.error(`request ${req.method} ${req.url} failed:`, error);
        if (res.headersSent) res.destroy();
        else send(res, { status: 500, payload: { error: "internal error" } }, stopping);
      },
    );
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return {
    server,
    async shutdown(graceMs: number): Promise<void> {
      stopping = true;
      await closeServer(server, graceMs);
      await options.store.close();
    },
  };
}

async function route(req: http.IncomingMessage, options: WebServerOptions, stopping: boolean): Promise<Reply> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === HEALTH_PATH) {
    if (req.method !== "GET" && req.method !== "HEAD")
      return { status: 405, payload: { error: "method not allowed" }, headers: { allow: "GET, HEAD" } };
    return stopping ? { status: 503, payload: { status: "stopping" } } : { status: 200, payload: { status: "ok" } };
  }
  if (url.pathname === "/records") {
    if (req.method === "GET") return { status: 200, payload: { records: await options.store.list() } };
    if (req.method === "POST") {
      const body = await readBody(req, options.maxRecordBytes);
      if (body === undefined)
        return {
          status: 413,
          payload: { error: `body larger than ${options.maxRecordBytes} bytes` },
          headers: { connection: "close" },
        };
      if (body.length === 0) return { status: 400, payload: { error: "empty body" } };
      return { status: 201, payload: await options.store.append(body) };
    }
    return { status: 405, payload: { error: "method not allowed" }, headers: { allow: "GET, POST" } };
  }
  return { status: 404, payload: { error: "not found" } };
}

/** Reads the body as UTF-8, or undefined as soon as it exceeds `limit` bytes. */
async function readBody(req: http.IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Writes the reply; while stopping, closes the connection after it so shutdown need not wait for keep-alive. */
function send(res: http.ServerResponse, reply: Reply, stopping: boolean): void {
  const body = JSON.stringify(reply.payload);
  const headers = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    ...reply.headers,
    ...(stopping ? { connection: "close" } : {}),
  };
  res.writeHead(reply.status, headers);
  res.end(body);
}
