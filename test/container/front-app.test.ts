/** The front sample app in-process: config, probes, the page, and web's API passed through. */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readConfig } from "../../apps/front/config";
import {
  DEFAULT_METRICS_PORT,
  DEFAULT_PORT,
  DEFAULT_WEB_URL,
  HEALTH_PATH,
  METRICS_PATH,
  READY_PATH,
} from "../../apps/front/contract";
import { type HttpMetrics, createHttpMetrics, createMetricsServer } from "../../apps/front/metrics";
import { type FrontServer, createFrontServer } from "../../apps/front/server";
import { parseExposition } from "../monitoring/support/exposition";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A stand-in for web: answers /records, slowly when asked to. */
async function fakeWeb(delayMs = 0): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      if (req.method === "POST") bodies.push(body);
      setTimeout(() => {
        res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json" });
        res.end(JSON.stringify(req.method === "POST" ? { id: 1, body } : { records: [] }));
      }, delayMs);
    });
  });
  const url = await listen(server);
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  server.unref();
  return { url, bodies };
}

async function startFront(env: NodeJS.ProcessEnv, metrics?: HttpMetrics): Promise<{ front: FrontServer; url: string }> {
  const front = createFrontServer(readConfig({ ...env, PORT: "1" }), metrics);
  const url = await listen(front.server);
  closers.push(async () => {
    if (front.server.listening) await front.shutdown(0);
  });
  return { front, url };
}

describe("readConfig", () => {
  it("defaults to the image contract; rejects a WEB_URL with a path or credentials", () => {
    const config = readConfig({});
    expect(config.port).toBe(DEFAULT_PORT);
    expect(config.metricsPort).toBe(DEFAULT_METRICS_PORT);
    expect(readConfig({ METRICS_PORT: "9100" }).metricsPort).toBe(9100);
    expect(() => readConfig({ PORT: "9464" })).toThrow(`METRICS_PORT must differ from PORT (9464), got "9464"`);
    expect(config.webUrl.href).toBe(`${DEFAULT_WEB_URL}/`);
    expect(() => readConfig({ WEB_URL: "http://web:8080/api" })).toThrow("without credentials or path");
    expect(() => readConfig({ WEB_URL: "ftp://web" })).toThrow("WEB_URL must be an http:// or https:// URL");
    expect(() => readConfig({ UPSTREAM_TIMEOUT_MS: "5" })).toThrow("UPSTREAM_TIMEOUT_MS must be an integer");
  });
});

describe("front server", () => {
  it("liveness always 200; readiness 200 until it stops, then 503", async () => {
    const { front, url } = await startFront({ WEB_URL: (await fakeWeb()).url });
    expect((await fetch(url + HEALTH_PATH)).status).toBe(200);
    expect((await fetch(url + READY_PATH)).status).toBe(200);
    // while it drains it still serves: readiness says 503 so the pod leaves its Service first
    const stopped = front.shutdown(1000, 100);
    expect((await fetch(url + READY_PATH)).status).toBe(503);
    expect((await fetch(url + HEALTH_PATH)).status).toBe(200);
    await stopped;
    await expect(fetch(url + HEALTH_PATH)).rejects.toThrow();
  });

  it("serves the page with a same-origin-only policy, and passes records through to web", async () => {
    const web = await fakeWeb();
    const { url } = await startFront({ WEB_URL: web.url, MAX_RECORD_BYTES: "8" });
    const page = await fetch(url + "/");
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await page.text()).toContain('<script src="/app.js"></script>');
    expect(await (await fetch(url + "/api/records")).json()).toEqual({ records: [] });
    const posted = await fetch(url + "/api/records", { method: "POST", body: "hello" });
    expect(posted.status).toBe(201);
    expect(web.bodies).toEqual(["hello"]);
    expect((await fetch(url + "/api/records", { method: "POST", body: "far too long" })).status).toBe(413);
    expect((await fetch(url + "/api/records", { method: "DELETE" })).status).toBe(405);
    expect((await fetch(url + "/elsewhere")).status).toBe(404);
  });

  it("answers 502 when web is unreachable and 504 when it is slow", async () => {
    const slow = await fakeWeb(1000);
    const { url } = await startFront({ WEB_URL: slow.url, UPSTREAM_TIMEOUT_MS: "100" });
    expect((await fetch(url + "/api/records")).status).toBe(504);
    const down = await startFront({ WEB_URL: "http://127.0.0.1:9" });
    expect((await fetch(down.url + "/api/records")).status).toBe(502);
  });
});

describe("front metrics", () => {
  async function metricsOf(metrics: HttpMetrics): Promise<ReturnType<typeof parseExposition>> {
    const server = createMetricsServer(metrics.registry);
    const url = await listen(server);
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const response = await fetch(url + METRICS_PATH);
    expect(response.status).toBe(200);
    return parseExposition(await response.text());
  }

  it("counts the page, passed-through records and probes by route template, with the latency histogram", async () => {
    const metrics = createHttpMetrics();
    const { url } = await startFront({ WEB_URL: (await fakeWeb()).url }, metrics);
    await fetch(url + "/");
    await fetch(url + "/api/records");
    await fetch(url + "/api/records", { method: "POST", body: "hi" });
    await fetch(url + READY_PATH);
    const samples = await metricsOf(metrics);
    expect(samples.value("http_requests_total", { method: "GET", route: "/", status: "200" })).toBe(1);
    expect(samples.value("http_requests_total", { method: "GET", route: "/api/records", status: "200" })).toBe(1);
    expect(samples.value("http_requests_total", { method: "POST", route: "/api/records", status: "201" })).toBe(1);
    expect(samples.value("http_requests_total", { method: "GET", route: READY_PATH, status: "200" })).toBe(1);
    expect(samples.value("http_request_duration_seconds_count", { method: "POST", route: "/api/records" })).toBe(1);
    expect(samples.value("http_request_duration_seconds_bucket", { method: "GET", route: "/", le: "+Inf" })).toBe(1);
    expect(samples.types.get("process_cpu_seconds_total")).toBe("counter");
  });

  it("counts web's failures passed on (502, 504) as errors, which its error objective is measured by", async () => {
    const metrics = createHttpMetrics(false);
    const slow = await fakeWeb(1000);
    const { url } = await startFront({ WEB_URL: slow.url, UPSTREAM_TIMEOUT_MS: "100" }, metrics);
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect((await fetch(url + "/api/records")).status).toBe(504);
    logged.mockRestore();
    expect((await fetch(url + "/api/records", { method: "DELETE" })).status).toBe(405);
    const samples = await metricsOf(metrics);
    expect(samples.value("http_request_errors_total", { method: "GET", route: "/api/records" })).toBe(1);
    expect(samples.value("http_requests_total", { method: "GET", route: "/api/records", status: "504" })).toBe(1);
    // A client's mistake is not the service's failure.
    expect(samples.value("http_request_errors_total", { method: "DELETE", route: "/api/records" })).toBeUndefined();
    expect(
      samples.value("http_request_duration_seconds_bucket", { method: "GET", route: "/api/records", le: "0.1" }),
    ).toBe(0);
  });
});
