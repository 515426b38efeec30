import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGISTRY_REALM } from "../../../components/registry/self-hosted";
import { EngineSetup } from "../docker/support/docker";
import { needs } from "../support/needs";
import { basicAuth, type RunningRegistry, startRegistry } from "./support/registry-server";

needs("docker-registry", "htpasswd");

const engine = new EngineSetup<RunningRegistry>(() => startRegistry());
beforeAll(engine.run);
afterAll(() => engine.peek()?.stop(), 30_000);

describe("registry from the Registry translator's config (real distribution registry)", () => {
  it("refuses anonymous API access with 401 and a basic-auth challenge", async () => {
    const registry = engine.get();
    const response = await fetch(`http://${registry.address}/v2/`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(`Basic realm="${REGISTRY_REALM}"`);
  });

  it("refuses an anonymous push (blob upload) with 401", async () => {
    const response = await fetch(`http://${engine.get().address}/v2/web/blobs/uploads/`, { method: "POST" });
    expect(response.status).toBe(401);
  });

  it("refuses a wrong password with 401", async () => {
    const registry = engine.get();
    const response = await fetch(`http://${registry.address}/v2/`, {
      headers: { authorization: basicAuth(registry.username, "wrong") },
    });
    expect(response.status).toBe(401);
  });

  it("accepts the configured account, whose generated password follows the component's policy", async () => {
    const registry = engine.get();
    expect(registry.username).toBe("dockyard");
    expect(registry.password).toMatch(/^[A-Za-z0-9]{40}$/);
    const response = await fetch(`http://${registry.address}/v2/`, {
      headers: { authorization: basicAuth(registry.username, registry.password) },
    });
    expect(response.status).toBe(200);
  });
});
