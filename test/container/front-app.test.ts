/** The front sample app in-process: config, probes, the page, and web's API passed through. */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { readConfig } from "../../apps/front/config";
import { DEFAULT_PORT, DEFAULT_WEB_URL, HEALTH_PATH, READY_PATH } from "../../apps/front/contract";
import { type FrontServer, createFrontServer } from "../../apps/front/server";

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

async function startFront(env: NodeJS.ProcessEnv): Promise<{ front: FrontServer; url: string }> {
  const front = createFrontServer(readConfig({ ...env, PORT: "1" }));
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
