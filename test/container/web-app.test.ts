import { once } from "node:events";
import * as http from "node:http";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readConfig } from "../../apps/web/config";
import {
  DEFAULT_DATA_DIR,
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_METRICS_PORT,
  DEFAULT_PORT,
  HEALTH_PATH,
  LATENCY_BUCKETS_SECONDS,
  METRICS_PATH,
} from "../../apps/web/contract";
import { createHttpMetrics, createMetricsServer } from "../../apps/web/metrics";
import { RecordStore } from "../../apps/web/records";
import { type WebServer, createWebServer } from "../../apps/web/server";
import { parseExposition } from "../monitoring/support/exposition";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "dockyard-web-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readConfig", () => {
  it("defaults to the image contract", () => {
    expect(readConfig({})).toEqual({
      port: DEFAULT_PORT,
      metricsPort: DEFAULT_METRICS_PORT,
      dataDir: DEFAULT_DATA_DIR,
      maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
      shutdownGraceMs: 10_000,
    });
  });

  it("reads PORT, METRICS_PORT, DATA_DIR, MAX_RECORD_BYTES and SHUTDOWN_GRACE_MS", () => {
    expect(
      readConfig({
        PORT: "9000",
        METRICS_PORT: "9100",
        DATA_DIR: "/srv/data",
        MAX_RECORD_BYTES: "16",
        SHUTDOWN_GRACE_MS: "0",
      }),
    ).toEqual({
      port: 9000,
      metricsPort: 9100,
      dataDir: "/srv/data",
      maxRecordBytes: 16,
      shutdownGraceMs: 0,
    });
  });

  it.each([
    [{ PORT: "0" }, `PORT must be an integer from 1 to 65535, got "0"`],
    [{ PORT: "80a" }, `PORT must be an integer from 1 to 65535, got "80a"`],
    [{ DATA_DIR: "data" }, `DATA_DIR must be an absolute path, got "data"`],
    [{ MAX_RECORD_BYTES: "-1" }, `MAX_RECORD_BYTES must be an integer from 1 to 16777216, got "-1"`],
    [{ METRICS_PORT: "8080" }, `METRICS_PORT must differ from PORT (8080), got "8080"`],
  ])("rejects %o", (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
  });
});

describe("RecordStore", () => {
  it("appends durably, numbers records, and lists them after reopening", async () => {
    const store = await RecordStore.open(dir);
    const [a, b] = await Promise.all([store.append("alpha"), store.append("beta")]);
    expect([a.id, b.id]).toEqual([1, 2]);
    await store.close();
    const reopened = await RecordStore.open(dir);
    expect((await reopened.list()).map((r) => [r.id, r.body])).toEqual([
      [1, "alpha"],
      [2, "beta"],
    ]);
    expect((await reopened.append("gamma")).id).toBe(3);
    await reopened.close();
  });

  it("cuts off a line torn by a crash mid-write", async () => {
    const file = path.join(dir, "records.jsonl");
    await writeFile(file, `${JSON.stringify({ id: 1, receivedAt: "t", body: "kept" })}\n{"id":2,"recei`);
    const store = await RecordStore.open(dir);
    expect((await store.list()).map((r) => r.body)).toEqual(["kept"]);
    expect((await store.append("next")).id).toBe(2);
    await store.close();
    expect((await readFile(file, "utf8")).split("\n").filter(Boolean)).toHaveLength(2);
  });

  it("creates the data directory when missing", async () => {
    const store = await RecordStore.open(path.join(dir, "nested", "data"));
    expect(await store.list()).toEqual([]);
    await store.close();
  });
});

describe("web server", () => {
  let web: WebServer;
  let base: string;

  beforeEach(async () => {
    web = createWebServer({ store: await RecordStore.open(dir), maxRecordBytes: 32 });
    await new Promise<void>((resolve) => web.server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    if (web.server.listening) await web.shutdown(1000);
  });

  it("answers the health path with 200", async () => {
    const response = await fetch(`${base}${HEALTH_PATH}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("stores posted records and lists them", async () => {
    const created = await fetch(`${base}/records`, { method: "POST", body: "hello" });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 1, body: "hello" });
    const listed = (await (await fetch(`${base}/records`)).json()) as { records: { body: string }[] };
    expect(listed.records.map((r) => r.body)).toEqual(["hello"]);
  });

  it("refuses empty and oversized bodies, unknown paths and methods", async () => {
    expect((await fetch(`${base}/records`, { method: "POST", body: "" })).status).toBe(400);
    expect((await fetch(`${base}/records`, { method: "POST", body: "x".repeat(33) })).status).toBe(413);
    expect((await fetch(`${base}/records`, { method: "DELETE" })).status).toBe(405);
    expect((await fetch(`${base}${HEALTH_PATH}`, { method: "POST" })).status).toBe(405);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const listed = (await (await fetch(`${base}/records`)).json()) as { records: unknown[] };
    expect(listed.records).toEqual([]);
  });

  it("shuts down gracefully: a request in flight at SIGTERM time completes and is stored", async () => {
    const { port } = web.server.address() as AddressInfo;
    // Signals, not sleeps: the server has the request (its headers, not its body) when it emits "request".
    const arrived = once(web.server, "request");
    const request = http.request({
      host: "127.0.0.1",
      port,
      path: "/records",
      method: "POST",
      headers: { "content-length": "9" },
    });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      request.on("response", (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      request.on("error", reject);
    });
    request.write("in f");
    await arrived;
    const stopped = web.shutdown(5000);
    expect(web.server.listening).toBe(false); // no new connections once shutdown began
    request.end("light");
    expect(await response).toMatchObject({ status: 201 });
    await stopped;
    const reopened = await RecordStore.open(dir);
    expect((await reopened.list()).map((r) => r.body)).toEqual(["in flight"]);
    await reopened.close();
  });
});

describe("web metrics", () => {
  let store: RecordStore;
  let web: WebServer;
  let metricsServer: http.Server;
  let base: string;
  let metricsUrl: string;

  beforeEach(async () => {
    store = await RecordStore.open(dir);
    const metrics = createHttpMetrics();
    web = createWebServer({ store, maxRecordBytes: 32, metrics });
    metricsServer = createMetricsServer(metrics.registry);
    await new Promise<void>((resolve) => web.server.listen(0, "127.0.0.1", resolve));
    await new Promise<void>((resolve) => metricsServer.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
    metricsUrl = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}${METRICS_PATH}`;
  });
  afterEach(async () => {
    if (web.server.listening) await web.shutdown(1000);
    await new Promise((resolve) => metricsServer.close(resolve));
  });

  async function scrape() {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await response.text());
  }

  it("answers on its own port only: Prometheus' text format with the process metrics", async () => {
    const samples = await scrape();
    expect(samples.types.get("process_cpu_seconds_total")).toBe("counter");
    expect(samples.types.get("process_resident_memory_bytes")).toBe("gauge");
    expect(samples.types.get("nodejs_eventloop_lag_seconds")).toBe("gauge");
    expect((await fetch(`${base}${METRICS_PATH}`)).status).toBe(404);
    expect((await fetch(metricsUrl, { method: "POST" })).status).toBe(405);
    expect((await fetch(metricsUrl.replace(METRICS_PATH, "/other"))).status).toBe(404);
  });

  it("counts each request by method, route template and status, and times it in the latency histogram", async () => {
    await fetch(`${base}/records`, { method: "POST", body: "hello" });
    await fetch(`${base}/records?page=2`);
    await fetch(`${base}/records/1`);
    const samples = await scrape();
    expect(samples.types.get("http_requests_total")).toBe("counter");
    expect(samples.value("http_requests_total", { method: "POST", route: "/records", status: "201" })).toBe(1);
    expect(samples.value("http_requests_total", { method: "GET", route: "/records", status: "200" })).toBe(1);
    // Paths that are no route are counted together, whatever they are.
    expect(samples.value("http_requests_total", { method: "GET", route: "other", status: "404" })).toBe(1);
    expect(samples.types.get("http_request_duration_seconds")).toBe("histogram");
    const buckets = samples
      .find("http_request_duration_seconds_bucket")
      .filter((s) => s.labels.method === "GET" && s.labels.route === "/records");
    expect(buckets.map((b) => b.labels.le)).toEqual([...LATENCY_BUCKETS_SECONDS.map(String), "+Inf"]);
    expect(buckets.at(-1)?.value).toBe(1);
    expect(samples.value("http_request_duration_seconds_count", { method: "GET", route: "/records" })).toBe(1);
    expect(samples.find("http_request_errors_total")).toEqual([]);
  });

  it("counts a request it fails (500) as an error", async () => {
    await store.close(); // appends now fail: the server answers 500
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect((await fetch(`${base}/records`, { method: "POST", body: "lost" })).status).toBe(500);
    expect(logged).toHaveBeenCalledWith("request POST /records failed:", expect.any(Error));
    logged.mockRestore();
    const samples = await scrape();
    expect(samples.value("http_request_errors_total", { method: "POST", route: "/records" })).toBe(1);
    expect(samples.value("http_requests_total", { method: "POST", route: "/records", status: "500" })).toBe(1);
    web.server.close();
  });
});
