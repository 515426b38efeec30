import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { synthFiles } from "../infra/synth/write";
import { OFFLINE_SECRET_VALUE } from "../infra/stack-file";
import { evaluate } from "./support/pulumi-harness";
import { validateKubernetesYaml } from "./support/kubernetes-validate";

describe("synth artefacts", () => {
  it.each(["test", "prod"])("%s: every Kubernetes object passes the API schema, in apply order", async (stack) => {
    const files = synthFiles(await evaluate(stack));
    const manifests = Object.keys(files)
      .filter((name) => name.startsWith("kubernetes/"))
      .sort();
    expect(manifests.length).toBeGreaterThan(3);
    const kinds = manifests.map((name) => validateKubernetesYaml(files[name]).kind);
    expect(kinds[0]).toBe("Namespace");
    // cert-manager's and Gateway API's objects validate against their published models, the rest against Kubernetes'
    for (const kind of [
      "Certificate",
      "Gateway",
      "HTTPRoute",
      "HorizontalPodAutoscaler",
      "NetworkPolicy",
      "Deployment",
    ])
      expect(kinds, kind).toContain(kind);
    for (const name of manifests) {
      const object = parse(files[name]) as { kind: string; metadata: { namespace?: string } };
      if (object.kind !== "Namespace")
        expect(object.metadata.namespace, name).toBe(stack === "prod" ? "dockyard" : "dockyard-test");
    }
    // What a workload refers to (claims, secrets) is applied before it.
    const position = (kind: string) => kinds.indexOf(kind);
    if (kinds.includes("PersistentVolumeClaim"))
      expect(position("PersistentVolumeClaim")).toBeLessThan(position("StatefulSet"));
    expect(position("Certificate")).toBeLessThan(position("Gateway"));
    expect(position("Gateway")).toBeLessThan(position("HTTPRoute"));
    expect(Object.values(files).join("\n")).not.toContain("nginx.ingress.kubernetes.io/");
    // every string stays a string for YAML 1.1 readers (kubectl): "true" is quoted
    expect(Object.values(files).join("\n")).toContain(`acme.cert-manager.io/http01-solver: "true"`);
  });

  it("dev: writes each Docker container's, network's and volume's effective settings", async () => {
    const files = synthFiles(await evaluate("dev"));
    const docker = Object.keys(files).filter((name) => name.startsWith("docker/"));
    expect(docker).toEqual(
      expect.arrayContaining([
        "docker/network-dockyard.json",
        "docker/volume-web-data.json",
        "docker/container-web.json",
      ]),
    );
    const web = JSON.parse(files["docker/container-web.json"]) as Record<string, unknown>;
    expect(web).toMatchObject({ readOnly: true, user: "65532:65532", capabilities: { drops: ["ALL"] } });
    // the pids limit its docker update Command applies; none for the never-started files carrier
    const pidsLimit = (name: string) =>
      (JSON.parse(files[`docker/container-${name}.json`]) as { pidsLimit: unknown }).pidsLimit;
    for (const name of ["web", "registry", "web-data-backup-scheduler"]) expect(pidsLimit(name), name).toBe(256);
    expect(pidsLimit("registry-files-carrier")).toBeNull();
  });

  // libvirt's schema check of these files (virt-xml-validate): test/engines/libvirt/xml-schema.test.ts
  it.each(["test", "prod"])(
    "%s: writes the VM's libvirt XML; cloud-init keeps root and passwords out",
    async (stack) => {
      const files = synthFiles(await evaluate(stack));
      const xml = Object.keys(files).filter((name) => name.startsWith("libvirt/"));
      expect(xml).toEqual(expect.arrayContaining(["libvirt/domain-legacy.xml"]));
      const userData = Object.entries(files).find(
        ([name]) => name.startsWith("cloud-init/") && name.endsWith("/user-data"),
      )?.[1];
      expect(userData).toContain("disable_root: true");
      expect(userData).toContain("ssh_pwauth: false");
      expect(userData).not.toMatch(/^\s*(passwd|plain_text_passwd|hashed_passwd):/m);
      expect(userData).toContain("lock_passwd: true");
    },
  );

  it("dev declares no VM (optional there)", async () => {
    expect(Object.keys(synthFiles(await evaluate("dev"))).filter((name) => name.startsWith("libvirt/"))).toEqual([]);
  });

  it("never writes a secret value in clear", async () => {
    for (const stack of ["dev", "test", "prod"]) {
      const text = Object.values(synthFiles(await evaluate(stack))).join("\n");
      expect(text).not.toContain(OFFLINE_SECRET_VALUE);
    }
  });
});
