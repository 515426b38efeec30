import * as http from "node:http";
import type { FrontConfig } from "#config";
import { HEALTH_PATH, READY_PATH } from "#contract";
import { closeServer, type HttpMetrics, routeOf } from "#metrics";
import { APP_JS, INDEX_HTML } from "#page";

/** A running front and the way to stop it gracefully. */
export interface FrontServer {
  readonly server: http.Server;
  /**
   * Stops taking traffic: readiness answers 503 for `drainMs` while the server still serves (so
   * the Service's endpoints drop the pod before it closes), then in-flight requests get up to
   * `graceMs` to finish.
   */
  shutdown(graceMs: number, drainMs?: number): Promise<void>;
}

/** What a route answers. */
interface Reply {
  readonly status: number;
  readonly body: string;
  readonly type: string;
  readonly headers?: Record<string, string>;
}

const JSON_TYPE = "application/json";
const json = (status: number, payload: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body: JSON.stringify(payload),
  type: JSON_TYPE,
  ...(headers === undefined ? {} : { headers }),
});

/** Headers on every answer: nothing from elsewhere, no sniffing, no framing, no referrer. */
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

/** The route templates the metrics name; any other path counts as "other". */
export const ROUTES: readonly string[] = ["/", "/app.js", "/api/records", HEALTH_PATH, READY_PATH];

/**
 * The front: `GET /` and `/app.js` (the page), `GET|POST /api/records` (passed on to web's
 * `/records`, bodies up to maxRecordBytes, answers 502/504 when web fails or is slow),
 * `GET /healthz` (200 while the process serves) and `GET /readyz` (503 once stopping). Stateless:
 * any replica answers any request. With `metrics`, every request is measured there.
 */
export function createFrontServer(config: FrontConfig, metrics?: HttpMetrics): FrontServer {
  let stopping = false;
  const server = http.createServer((req, res) => {
    metrics?.track(req, res, routeOf(req.url, ROUTES));
    route(req, config, stopping).then(
      (reply) => send(res, reply, stopping),
      (error: unknown) => {
        console.error(`request ${req.method} ${req.url} failed:`, error);
        if (res.headersSent) res.destroy();
        else send(res, json(500, { error: "internal error" }), stopping);
      },
    );
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return {
    server,
    async shutdown(graceMs: number, drainMs = 0): Promise<void> {
      stopping = true;
      if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
      await closeServer(server, graceMs);
    },
  };
}

async function route(req: http.IncomingMessage, config: FrontConfig, stopping: boolean): Promise<Reply> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const read = req.method === "GET" || req.method === "HEAD";
  const only = (allow: string): Reply => json(405, { error: "method not allowed" }, { allow });
  switch (url.pathname) {
    case HEALTH_PATH:
      return read ? json(200, { status: "ok" }) : only("GET, HEAD");
    case READY_PATH:
      if (!read) return only("GET, HEAD");
      return stopping ? json(503, { status: "stopping" }) : json(200, { status: "ready" });
    case "/":
      return read ? { status: 200, body: INDEX_HTML, type: "text/html; charset=utf-8" } : only("GET, HEAD");
    case "/app.js":
      return read ? { status: 200, body: APP_JS, type: "text/javascript; charset=utf-8" } : only("GET, HEAD");
    case "/api/records":
      if (req.method === "GET") return upstream("GET", undefined, config);
      if (req.method === "POST") {
        const body = await readBody(req, config.maxRecordBytes);
        if (body === undefined)
          return json(413, { error: `body larger than ${config.maxRecordBytes} bytes` }, { connection: "close" });
        return upstream("POST", body, config);
      }
      return only("GET, POST");
    default:
      return json(404, { error: "not found" });
  }
}

/** Passes a call on to web's `/records` and its answer back; 502 when web fails, 504 when it is slow. */
async function upstream(method: "GET" | "POST", body: Buffer | undefined, config: FrontConfig): Promise<Reply> {
  try {
    const response = await fetch(new URL("/records", config.webUrl), {
      method,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(config.upstreamTimeoutMs),
      redirect: "error",
    });
    return { status: response.status, body: await response.text(), type: JSON_TYPE };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    console.error(`web ${method} /records failed:`, error instanceof Error ? error.message : error);
    return timedOut ? json(504, { error: "web did not answer in time" }) : json(502, { error: "web is unreachable" });
  }
}

/** Reads the body, or undefined as soon as it exceeds `limit` bytes. */
async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  if (Number(req.headers["content-length"] ?? 0) > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Writes the reply; while stopping, closes the connection after it so shutdown need not wait for keep-alive. */
function send(res: http.ServerResponse, reply: Reply, stopping: boolean): void {
  res.writeHead(reply.status, {
    ...SECURITY_HEADERS,
    "content-type": reply.type,
    "content-length": String(Buffer.byteLength(reply.body)),
    ...reply.headers,
    ...(stopping ? { connection: "close" } : {}),
  });
  res.end(reply.body);
}
