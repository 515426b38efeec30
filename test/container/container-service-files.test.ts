/**
 * ContainerService under mocks: config files, image pull Secrets, image policy on outputs and
 * the workload names output (the basics are in container-service.test.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { ContainerService } from "../../components/container-service";
import { FILES_VOLUME } from "../../components/workload/files";
import { MASKED, find, ofType, record, resolve } from "../support/pulumi-harness";
import { dockerHardeningViolations } from "./support/docker-hardening";
import { IMAGE } from "./support/fixtures";
import { restrictedViolations } from "./support/pod-security";
import { T } from "../support/types";

const CONFIG = "listen: 5000\ntoken: not-in-clear-7f3a\n";

describe("ContainerService config files", () => {
  it("Docker: a files volume filled by a never-started carrier, mounted read-only by hardened containers", async () => {
    const resources = await record(
      () => new ContainerService("app", { target: "docker", image: IMAGE, replicas: 2, files: { "app.yml": CONFIG } }),
    );
    const volume = find(resources, T.dockerVolume, "app-files");
    expect(volume.inputs.name).toBeUndefined(); // Pulumi names it (app-files-<random>): a replacement never collides
    expect(volume.inputs.labels).toContainEqual({ label: "dockyard.files", value: "app.yml" });

    const carrier = find(resources, T.container, "app-files-carrier");
    expect(carrier.inputs).toMatchObject({
      image: IMAGE,
      start: false,
      mustRun: false,
      readOnly: false,
      networkMode: "none",
      user: "65532:65532",
    });
    // a secret content makes the SDK send the whole uploads list as a secret (paths and modes:
    // test/container/files.test.ts); state encrypts it and previews never show it
    expect(carrier.inputs.uploads).toEqual(MASKED);
    expect(carrier.dependencies).toContain(volume.urn);

    const services = ofType(resources, T.container).filter((c) => c !== carrier);
    expect(services.map((c) => c.name)).toEqual(["app", "app-1"]);
    for (const container of services) {
      expect(dockerHardeningViolations(container.inputs)).toEqual([]);
      const mounts = container.inputs.volumes as { volumeName: string; containerPath: string; readOnly: boolean }[];
      expect(mounts).toHaveLength(1);
      expect(mounts[0]).toMatchObject({ containerPath: "/etc/dockyard", readOnly: true });
      expect(mounts[0].volumeName).toMatch(/^app-files-[0-9a-f]{7}$/); // the volume's auto-name
      expect(container.inputs.uploads).toBeUndefined();
      // new content replaces the carrier, whose new ID replaces the containers
      expect(container.inputs.labels).toContainEqual({
        label: "dockyard.files.revision",
        value: "app-files-carrier-id",
      });
      expect(container.dependencies).toContain(carrier.urn);
    }
    expect(JSON.stringify(resources)).not.toContain("not-in-clear-7f3a");
  });

  it("Kubernetes: a files Secret mounted read-only at filesDir; the pod stays restricted and valid", async () => {
    const resources = await record(
      () =>
        new ContainerService("app", {
          target: "kubernetes",
          image: IMAGE,
          files: { "app.yml": CONFIG, "ca.pem": pulumi.secret("pem") },
          filesDir: "/etc/app",
        }),
    );
    const secret = find(resources, T.secret, "app-files");
    expect(secret.inputs).toMatchObject({ type: "Opaque", stringData: MASKED });
    expect(JSON.stringify(resources)).not.toContain("not-in-clear-7f3a");
    const deployment = find(resources, T.deployment, "app");
    expect(() =>
      new Deployment({ apiVersion: "apps/v1", kind: "Deployment", ...deployment.inputs } as IDeployment).validate(),
    ).not.toThrow();
    const pod = (deployment.inputs as { spec: { template: { spec: IPodSpec } } }).spec.template.spec;
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: FILES_VOLUME,
      mountPath: "/etc/app",
      readOnly: true,
    });
    // the Secret's name is provider-computed (auto-named, so new content rolls the pods); the mode is ours
    expect(pod.volumes?.find((v) => v.name === FILES_VOLUME)?.secret).toMatchObject({ defaultMode: 0o440 });
    expect(deployment.dependencies).toContain(secret.urn);
  });

  it("no files: no volume, no Secret, no upload", async () => {
    const docker = await record(() => new ContainerService("app", { target: "docker", image: IMAGE }));
    expect(ofType(docker, T.dockerVolume)).toEqual([]);
    expect(ofType(docker, T.container).map((c) => c.name)).toEqual(["app"]);
    const kubernetes = await record(() => new ContainerService("app", { target: "kubernetes", image: IMAGE }));
    expect(ofType(kubernetes, T.secret)).toEqual([]);
  });
});

describe("ContainerService image pull Secrets", () => {
  it("Kubernetes: the pod pulls with the named Secrets", async () => {
    const resources = await record(
      () =>
        new ContainerService("app", {
          target: "kubernetes",
          image: IMAGE,
          imagePullSecrets: ["registry-creds", pulumi.output("other-creds")],
        }),
    );
    const pod = (find(resources, T.deployment, "app").inputs as { spec: { template: { spec: IPodSpec } } }).spec
      .template.spec;
    expect(pod.imagePullSecrets).toEqual([{ name: "registry-creds" }, { name: "other-creds" }]);
  });

  it("Docker: ignored (the provider's registryAuth authenticates pulls)", async () => {
    const resources = await record(
      () => new ContainerService("app", { target: "docker", image: IMAGE, imagePullSecrets: ["registry-creds"] }),
    );
    expect(JSON.stringify(find(resources, T.container, "app").inputs)).not.toContain("registry-creds");
  });
});

describe("ContainerService image policy and outputs", () => {
  it("an output image that complies reaches the workload; workloadNames depends on the containers", async () => {
    let service: ContainerService | undefined;
    const resources = await record(
      () => (service = new ContainerService("app", { target: "docker", image: pulumi.output(IMAGE), replicas: 2 })),
    );
    expect(ofType(resources, T.container).map((c) => c.inputs.image)).toEqual([IMAGE, IMAGE]);
    expect(await resolve(service!.workloadNames)).toEqual([
      expect.stringMatching(/^app-[0-9a-f]{7}$/),
      expect.stringMatching(/^app-1-[0-9a-f]{7}$/),
    ]);
  });

  it("opt-outs admit a mutable tag and latest, each by name", async () => {
    const tagged = await record(
      () =>
        new ContainerService("app", {
          target: "kubernetes",
          image: "web:1.2",
          security: { allowMutableImageTag: true },
        }),
    );
    expect(find(tagged, T.deployment, "app").inputs).toMatchObject({
      spec: { template: { spec: { containers: [{ image: "web:1.2" }] } } },
    });
    const latest = await record(
      () =>
        new ContainerService("app", {
          target: "docker",
          image: "web",
          security: { allowMutableImageTag: true, allowLatestTag: true },
        }),
    );
    expect(find(latest, T.container, "app").inputs.image).toBe("web");
  });

  it("a tag-only image is refused before any child exists", async () => {
    const resources = await record(() =>
      expect(() => new ContainerService("app", { target: "docker", image: "web:1.2" })).toThrow(
        `ContainerService "app": image "web:1.2" has no digest`,
      ),
    );
    expect(resources.filter((r) => r.type !== T.containerService)).toEqual([]);
  });
});
