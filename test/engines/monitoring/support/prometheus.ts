/**
 * Debian's Prometheus and Alertmanager as child processes on loopback free ports, each with a
 * configuration and a data directory of its own in a temporary directory; a webhook receiver
 * (a Node HTTP server on loopback) that keeps every notification Alertmanager sends; and bounded
 * waits. Everything started here is stopped by `stop()`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { stringify } from "yaml";
import { toolPath } from "../../support/requirements";
import { freePort } from "../../docker/support/web-image";

/** A daemon started by the test: its address, its output so far, and how to stop it. */
export interface Daemon {
  readonly url: string;
  log(): string;
  stop(): Promise<void>;
}

/** Polls `check` every `everyMs` until it gives a value, failing after `timeoutMs` with `what` and the last problem. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  everyMs = 250,
): Promise<T> {
  const started = Date.now();
  let last = "";
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() - started > timeoutMs)
      throw new Error(`${what}: not within ${timeoutMs / 1000} s${last === "" ? "" : ` (last: ${last})`}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Starts `tool` (found on PATH) with `args`; resolves once `GET <url>/-/ready` answers 200 (within 30 s). */
async function startDaemon(
  tool: "prometheus" | "prometheus-alertmanager",
  args: string[],
  port: number,
): Promise<Daemon> {
  const command = await toolPath(tool);
  const child: ChildProcess = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await waitFor(`${tool} ready on ${url}`, 30_000, async () => {
      if (child.exitCode !== null) throw new Error(`${tool} exited ${child.exitCode}:\n${output}`);
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
      return response.status === 200 ? true : undefined;
    });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${tool} output:\n${output}`, { cause: error });
  }
  return { url, log: () => output, stop };
}

/** Alertmanager routing every alert to `webhook` at once (1 s waits), resolved ones too. */
export async function startAlertmanager(dir: string, webhook: string): Promise<Daemon> {
  const port = await freePort();
  const home = join(dir, "alertmanager");
  mkdirSync(home, { recursive: true });
  const config = join(home, "alertmanager.yml");
  writeFileSync(
    config,
    stringify({
      route: {
        receiver: "webhook",
        group_by: ["alertname", "service"],
        group_wait: "1s",
        group_interval: "1s",
        repeat_interval: "1h",
      },
      receivers: [{ name: "webhook", webhook_configs: [{ url: webhook, send_resolved: true }] }],
    }),
  );
  return startDaemon(
    "prometheus-alertmanager",
    [
      `--config.file=${config}`,
      `--storage.path=${join(home, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // A single instance: no gossip port to collide with another run's.
      "--cluster.listen-address=",
    ],
    port,
  );
}

/** Prometheus with `config` (its text), rule files beside it. */
export async function startPrometheus(dir: string, config: string, files: Record<string, string>): Promise<Daemon> {
  const port = await freePort();
  const home = join(dir, "prometheus");
  mkdirSync(home, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(home, name), text);
  writeFileSync(join(home, "prometheus.yml"), config);
  return startDaemon(
    "prometheus",
    [
      `--config.file=${join(home, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(home, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    port,
  );
}

/** The result of an instant query, as `labels → value`. */
export async function query(
  prometheus: Daemon,
  promql: string,
): Promise<{ metric: Record<string, string>; value: number }[]> {
  const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`, {
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== "success") throw new Error(`query ${promql} failed: ${body.error}`);
  return (body.data?.result ?? []).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** One notification Alertmanager sent (webhook payload version 4). */
export interface Notification {
  readonly receivedAt: number;
  readonly status: "firing" | "resolved";
  readonly alerts: readonly {
    readonly status: "firing" | "resolved";
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
  }[];
}

/** A webhook receiver on loopback keeping every notification. */
export async function startWebhook(): Promise<{ url: string; notifications: Notification[]; stop(): Promise<void> }> {
  const notifications: Notification[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      try {
        notifications.push({ ...(JSON.parse(body) as Omit<Notification, "receivedAt">), receivedAt: Date.now() });
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    notifications,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
