/**
 * Real engines end to end: web and front built from apps/ (on the local stand-in bases, as the
 * docker engine tests build them) run on Docker with their metrics ports published on 127.0.0.1;
 * Debian's Prometheus scrapes them every second with the generated rule file (ServiceDown's
 * `for:` shortened to 2 s) and sends alerts to Debian's Alertmanager, which notifies a webhook on
 * loopback. Stopping web makes ServiceDown for web reach the webhook; starting it again resolves it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prometheusRuleFile, standalonePrometheusConfig } from "../../../components";
import { DockerObjects, EngineSetup, docker, uniqueName } from "../docker/support/docker";
import { buildWebImage, FRONT_CONTEXT } from "../docker/support/web-image";
import { needs } from "../support/needs";
import { type RunningService, startFrontWithMetrics, startWebWithMetrics } from "./support/apps";
import {
  type Daemon,
  type Notification,
  query,
  startAlertmanager,
  startPrometheus,
  startWebhook,
  waitFor,
} from "./support/prometheus";

needs("docker", "busybox", "prometheus", "prometheus-alertmanager");

const NAMESPACE = "dockyard-test";
const objects = new DockerObjects();
const dir = mkdtempSync(join(tmpdir(), "dockyard-monitoring-"));
const stops: (() => Promise<void>)[] = [];
const timings: Record<string, number> = {};

interface Running {
  readonly web: RunningService;
  readonly front: RunningService;
  readonly prometheus: Daemon;
  readonly alertmanager: Daemon;
  readonly notifications: Notification[];
}

const engine = new EngineSetup<Running>(async () => {
  let started = Date.now();
  const webTag = objects.image(uniqueName("web-image"));
  const frontTag = objects.image(uniqueName("front-image"));
  objects.image(`${webTag}-build-stage`);
  objects.image(`${frontTag}-build-stage`);
  await Promise.all([buildWebImage(webTag), buildWebImage(frontTag, { context: FRONT_CONTEXT })]);
  timings.build = Date.now() - started;
  started = Date.now();
  const network = objects.network(uniqueName("net"));
  await docker(["network", "create", network]);
  const volume = objects.volume(uniqueName("data"));
  await docker(["volume", "create", volume]);
  const web = await startWebWithMetrics(objects, webTag, network, volume);
  const front = await startFrontWithMetrics(objects, frontTag, network);
  timings.services = Date.now() - started;
  started = Date.now();
  const webhook = await startWebhook();
  stops.push(() => webhook.stop());
  const alertmanager = await startAlertmanager(dir, webhook.url);
  stops.push(() => alertmanager.stop());
  const rules = prometheusRuleFile("dockyard", {
    namespace: NAMESPACE,
    release: "test",
    services: [
      { name: "web", metricsPort: 9464 },
      { name: "front", metricsPort: 9464, objectives: { availability: 0.995 } },
    ],
    alertFor: { ServiceDown: "2s" },
  });
  const config = standalonePrometheusConfig({
    namespace: NAMESPACE,
    targets: [
      { service: "web", address: `127.0.0.1:${web.metricsPort}` },
      { service: "front", address: `127.0.0.1:${front.metricsPort}` },
    ],
    ruleFiles: ["rules.yaml"],
    alertmanagers: [alertmanager.url.replace("http://", "")],
    scrapeInterval: "1s",
    evaluationInterval: "1s",
  });
  const prometheus = await startPrometheus(dir, config, { "rules.yaml": rules });
  stops.push(() => prometheus.stop());
  timings.daemons = Date.now() - started;
  return { web, front, prometheus, alertmanager, notifications: webhook.notifications };
});

beforeAll(engine.run, 300_000);

afterAll(async () => {
  for (const stop of stops.splice(0).reverse()) await stop().catch((e: unknown) => console.warn("cleanup:", e));
  await objects.removeAll();
  rmSync(dir, { recursive: true, force: true });
  console.log(`monitoring engine test timings (ms): ${JSON.stringify(timings)}`);
}, 120_000);

/** The notifications about ServiceDown for `service` with this status. */
function serviceDown(notifications: readonly Notification[], service: string, status: "firing" | "resolved") {
  return notifications.filter(
    (n) =>
      n.status === status && n.alerts.some((a) => a.labels.alertname === "ServiceDown" && a.labels.service === service),
  );
}

describe("Prometheus and Alertmanager on the apps' published metrics", () => {
  it("scrape web's and front's metrics ports, front's requests counted by route", async () => {
    const { prometheus, front } = engine.get();
    const up = await waitFor("both targets up", 30_000, async () => {
      const result = await query(prometheus, `up{namespace="${NAMESPACE}"} == 1`);
      return result.length === 2 ? result.map((r) => r.metric.job).sort() : undefined;
    });
    expect(up).toEqual(["front", "web"]);
    expect((await fetch(`http://127.0.0.1:${front.port}/api/records`)).status).toBe(200);
    const counted = await waitFor("front's request scraped", 30_000, async () => {
      const result = await query(prometheus, `http_requests_total{job="front", route="/api/records"}`);
      return result.length > 0 ? result[0] : undefined;
    });
    expect(counted.metric).toMatchObject({ namespace: NAMESPACE, method: "GET", status: "200" });
    expect(counted.value).toBeGreaterThanOrEqual(1);
    const processMetrics = await query(prometheus, `process_resident_memory_bytes{namespace="${NAMESPACE}"}`);
    expect(processMetrics.map((r) => r.metric.job).sort()).toEqual(["front", "web"]);
  });

  it("stopping web fires ServiceDown for web to the webhook; starting it again resolves it", async () => {
    const { web, notifications } = engine.get();
    await waitFor("web scraped", 30_000, async () =>
      (await query(engine.get().prometheus, `up{job="web"} == 1`)).length === 1 ? true : undefined,
    );
    expect(serviceDown(notifications, "web", "firing")).toEqual([]);

    let started = Date.now();
    await docker(["stop", "--time", "5", web.container]);
    const firing = await waitFor("ServiceDown firing at the webhook", 60_000, () =>
      Promise.resolve(serviceDown(notifications, "web", "firing").at(0)),
    );
    timings.fired = Date.now() - started;
    const alert = firing.alerts.find((a) => a.labels.alertname === "ServiceDown")!;
    expect(alert.labels).toMatchObject({ namespace: NAMESPACE, job: "web", service: "web", severity: "critical" });
    expect(alert.annotations.summary).toBe(`web in ${NAMESPACE} is down: none of its instances answers Prometheus`);
    expect(alert.annotations.runbook_url).toBe("docs/guides/operations.md#servicedown");

    started = Date.now();
    await docker(["start", web.container]);
    const resolved = await waitFor("ServiceDown resolved at the webhook", 60_000, () =>
      Promise.resolve(serviceDown(notifications, "web", "resolved").at(0)),
    );
    timings.resolved = Date.now() - started;
    expect(resolved.alerts.find((a) => a.labels.alertname === "ServiceDown")?.status).toBe("resolved");
    // front kept answering throughout: nothing about it.
    expect(serviceDown(notifications, "front", "firing")).toEqual([]);
  }, 150_000);
});
