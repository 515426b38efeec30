import { SERVICE_DEFAULTS } from "../../components/defaults";
import { describe, expect, it } from "vitest";
import type { ContainerServiceArgs } from "../../components/container-service";
import { resolveServiceSpec } from "../../components/workload/resolve";
import { ComponentArgError } from "../../components/errors";
import * as hardening from "../../components/workload/security";
import { MINIMAL, serviceSpec, volumeRef } from "./support/fixtures";

const data = volumeRef("data");
const HTTP = [{ containerPort: 8080 }];
const LISTENER = {
  gateway: "edge",
  listener: "https",
  host: "shop.example.com",
  dataPlane: { namespace: "envoy", podLabels: { app: "envoy" } },
};

/** Bad Args, each with the argument path and the message it must produce. */
const BAD: {
  name: string;
  args: Partial<ContainerServiceArgs> | Record<string, unknown>;
  argument: string;
  message: string;
}[] = [
  {
    name: "port 0",
    args: { ports: [{ containerPort: 0 }] },
    argument: "ports[0].containerPort",
    message: "must be an integer from 1 to 65535, got 0",
  },
  {
    name: "port above 65535",
    args: { ports: [{ containerPort: 65536 }] },
    argument: "ports[0].containerPort",
    message: "must be an integer from 1 to 65535, got 65536",
  },
  {
    name: "host port above 65535",
    args: { ports: [{ containerPort: 80, hostPort: 70000 }] },
    argument: "ports[0].hostPort",
    message: "must be an integer from 1 to 65535, got 70000",
  },
  {
    name: "port twice",
    args: { ports: [{ containerPort: 8080 }, { containerPort: 8080 }] },
    argument: "ports[1].containerPort",
    message: "8080/tcp is already declared by ports[0]",
  },
  {
    name: "unknown protocol",
    args: { ports: [{ containerPort: 53, protocol: "sctp" }] },
    argument: "ports[0].protocol",
    message: `must be "tcp" or "udp", got "sctp"`,
  },
  {
    name: "bad port name",
    args: { ports: [{ containerPort: 80, name: "HTTP_PORT" }] },
    argument: "ports[0].name",
    message: `must be an IANA service name (lower-case letters, digits and "-", at most 15 characters, at least one letter), got "HTTP_PORT"`,
  },
  {
    name: "published port with several Docker replicas",
    args: { target: "docker", replicas: 2, ports: [{ containerPort: 80, hostPort: 8080 }] },
    argument: "ports[0].hostPort",
    message: "cannot be published by 2 replicas on one Docker host; use replicas 1 or leave hostPort unset",
  },
  {
    name: "two volumes at one mount path",
    args: {
      volumes: [
        { volume: data, mountPath: "/data" },
        { volume: volumeRef("other"), mountPath: "/data/" },
      ],
    },
    argument: "volumes[1].mountPath",
    message: `"/data" is already the mount path of volumes[0]`,
  },
  {
    name: "relative mount path",
    args: { volumes: [{ volume: data, mountPath: "data" }] },
    argument: "volumes[0].mountPath",
    message: `must be an absolute path, got "data"`,
  },
  {
    // Docker's --mount would read "/data,readonly" as /data mounted read-only.
    name: "mount path holding a field separator",
    args: { volumes: [{ volume: data, mountPath: "/data,readonly" }] },
    argument: "volumes[0].mountPath",
    message: `must not contain ":" or "," (Kubernetes refuses ":"; Docker's mount syntax splits on both), got "/data,readonly"`,
  },
  {
    name: "mount on the scratch directory",
    args: { volumes: [{ volume: data, mountPath: "/tmp" }] },
    argument: "volumes[0].mountPath",
    message: `must not be "/" or the scratch directory "/tmp", got "/tmp"`,
  },
  {
    name: "one volume mounted twice",
    args: {
      volumes: [
        { volume: data, mountPath: "/a" },
        { volume: data, mountPath: "/b" },
      ],
    },
    argument: "volumes[1].volume",
    message: `"data" is already mounted by volumes[0]; mount a volume once`,
  },
  {
    name: "writable ReadOnlyMany volume",
    args: { volumes: [{ volume: volumeRef("seed", "ReadOnlyMany"), mountPath: "/seed" }] },
    argument: "volumes[0].readOnly",
    message: `must be true: volume "seed" is ReadOnlyMany`,
  },
  {
    name: "single-writer volume with 3 replicas",
    args: { replicas: 3, volumes: [{ volume: data, mountPath: "/data" }] },
    argument: "replicas",
    message: `must be 0 or 1 while volume "data" (ReadWriteOnce) is mounted writable: give it accessMode ReadWriteMany to share it, or mount it read-only`,
  },
  {
    name: "negative replicas",
    args: { replicas: -1 },
    argument: "replicas",
    message: "must be an integer from 0 to 100, got -1",
  },
  {
    name: "fractional replicas",
    args: { replicas: 1.5 },
    argument: "replicas",
    message: "must be an integer from 0 to 100, got 1.5",
  },
  {
    name: "health check with neither path nor command",
    args: { healthCheck: { intervalSeconds: 5 } },
    argument: "healthCheck",
    message: "must set path (an HTTP probe) or command (run in the container)",
  },
  {
    name: "health path without slash",
    args: { healthCheck: { path: "healthz", port: 80 } },
    argument: "healthCheck.path",
    message: `must be an HTTP path starting with "/", got "healthz"`,
  },
  {
    name: "readiness path without slash",
    args: { ports: [{ containerPort: 80 }], healthCheck: { path: "/healthz", readinessPath: "readyz" } },
    argument: "healthCheck.readinessPath",
    message: `must be an HTTP path starting with "/", got "readyz"`,
  },
  {
    name: "readiness path without a liveness path",
    args: { ports: [{ containerPort: 80 }], healthCheck: { command: ["/check"], readinessPath: "/readyz" } },
    argument: "healthCheck.readinessPath",
    message: "needs path: the liveness probe asks path, the readiness probe readinessPath",
  },
  {
    name: "HTTP-only health check on Docker",
    args: { target: "docker", ports: [{ containerPort: 80 }], healthCheck: { path: "/healthz" } },
    argument: "healthCheck.command",
    message: `is required on Docker, which cannot probe HTTP by itself, e.g. ["/nodejs/bin/node", "/app/healthcheck.ts"]`,
  },
  {
    name: "exec-form health argument with whitespace on Docker (Podman's API re-splits it)",
    args: { target: "docker", healthCheck: { command: ["/bin/check", "--url", "http://x/ y"] } },
    argument: "healthCheck.command[2]",
    message: `must not contain whitespace on Docker (Podman's Docker API would split it into several arguments), got "http://x/ y"`,
  },
  {
    name: "HTTP health check without a port",
    args: { healthCheck: { path: "/healthz" } },
    argument: "healthCheck.port",
    message: "is required for an HTTP health check when the service declares no tcp port",
  },
  {
    name: "health interval zero",
    args: { healthCheck: { command: ["/check"], intervalSeconds: 0 } },
    argument: "healthCheck.intervalSeconds",
    message: "must be an integer from 1 to 3600, got 0",
  },
  {
    name: "memory lots",
    args: { resources: { memory: "lots" } },
    argument: "resources.memory",
    message: `must be a memory quantity like "256Mi" or "1Gi" (units Ki, Mi, Gi, Ti, k, M, G, T), from 6Mi to 1Ti in whole bytes, got "lots"`,
  },
  {
    name: "memory as a bare number",
    args: { resources: { memory: 512 as unknown as string } },
    argument: "resources.memory",
    message: `must be a memory quantity like "256Mi" or "1Gi" (units Ki, Mi, Gi, Ti, k, M, G, T), from 6Mi to 1Ti in whole bytes, got 512`,
  },
  {
    name: "CPU nonsense",
    args: { resources: { cpu: "fast" } },
    argument: "resources.cpu",
    message: `must be a CPU amount like "250m", "0.5" or "2" (cores), from 1m to 256 in whole millicores, got "fast"`,
  },
  {
    name: "CPU zero",
    args: { resources: { cpu: "0" } },
    argument: "resources.cpu",
    message: `must be a CPU amount like "250m", "0.5" or "2" (cores), from 1m to 256 in whole millicores, got "0"`,
  },
  {
    name: "request above limit",
    args: { resources: { memory: "128Mi", memoryRequest: "1Gi" } },
    argument: "resources.memoryRequest",
    message: `must not exceed memory ("128Mi"), got "1Gi"`,
  },
  {
    name: "pids too low",
    args: { resources: { pids: 2 } },
    argument: "resources.pids",
    message: "must be an integer from 16 to 4194304, got 2",
  },
  {
    name: "root without opt-out",
    args: { runAsUser: 0 },
    argument: "runAsUser",
    message: "is 0 (root); use a non-zero uid or set security.allowRunAsRoot: true to opt out",
  },
  {
    // The opt-outs are unknown here: the uid check must wait for them, not read them.
    name: "root beside an unreadable opt-out",
    args: { runAsUser: 0, security: { allowRunAsRoot: "yes" } },
    argument: "security.allowRunAsRoot",
    message: 'must be true or false, got "yes"',
  },
  {
    name: "capability with prefix",
    args: { security: { addCapabilities: ["CAP_NET_ADMIN"] } },
    argument: "security.addCapabilities[0]",
    message: `must be a capability name without the CAP_ prefix (e.g. "NET_BIND_SERVICE"), not ALL, got "CAP_NET_ADMIN"`,
  },
  {
    name: "publish address not an IP",
    args: { security: { publishAddress: "localhost" } },
    argument: "security.publishAddress",
    message: `must be an IPv4 or IPv6 address, got "localhost"`,
  },
  {
    name: "unknown target",
    args: { target: "nomad" },
    argument: "target",
    message: `must be "docker" or "kubernetes", got "nomad"`,
  },
  { name: "missing image", args: { image: undefined }, argument: "image", message: "is required" },
  {
    name: "image with spaces",
    args: { image: "web latest" },
    argument: "image",
    message: `must be a non-empty image reference without spaces, got "web latest"`,
  },
  {
    name: "bad environment name",
    args: { environment: { "1BAD": "x" } },
    argument: "environment.1BAD",
    message: "is not a valid variable name (letters, digits and _, not starting with a digit)",
  },
  {
    name: "variable both plain and secret",
    args: { environment: { TOKEN: "a" }, secrets: { TOKEN: "b" } },
    argument: "secrets.TOKEN",
    message: "is also set in environment; a variable is either plain or secret",
  },
  {
    name: "reserved label",
    args: { labels: { "app.kubernetes.io/name": "other" } },
    argument: "labels.app.kubernetes.io/name",
    message: "is set by dockyard and cannot be overridden",
  },
  {
    name: "restart never on Kubernetes",
    args: { restartPolicy: "no" },
    argument: "restartPolicy",
    message: `must be "always" or "unless-stopped" on Kubernetes, whose Deployments and StatefulSets always restart pods, got "no"`,
  },
  {
    name: "file name with a slash",
    args: { files: { "conf/app.yml": "x" } },
    argument: "files.conf/app.yml",
    message: `is not a file name (letters, digits, ".", "_", "-", not starting with "."; no "/")`,
  },
  {
    name: "hidden file name",
    args: { files: { "..data": "x" } },
    argument: "files...data",
    message: `is not a file name (letters, digits, ".", "_", "-", not starting with "."; no "/")`,
  },
  {
    name: "file content a number",
    args: { files: { "app.yml": 3 } },
    argument: "files.app.yml",
    message: "must be the file's content as a string (or an output of one), got 3",
  },
  {
    name: "relative files directory",
    args: { filesDir: "etc/app" },
    argument: "filesDir",
    message: `must be an absolute path, got "etc/app"`,
  },
  {
    name: "files directory holding a colon",
    args: { filesDir: "/etc/app:ro" },
    argument: "filesDir",
    message: `must not contain ":" or "," (Kubernetes refuses ":"; Docker's mount syntax splits on both), got "/etc/app:ro"`,
  },
  {
    name: "files directory on the scratch directory",
    args: { filesDir: "/tmp/" },
    argument: "filesDir",
    message: `must not be "/" or the scratch directory "/tmp", got "/tmp/"`,
  },
  {
    name: "files directory on a volume",
    args: { volumes: [{ volume: data, mountPath: "/etc/dockyard" }], files: { a: "x" } },
    argument: "filesDir",
    message: `"/etc/dockyard" is already the mount path of volumes[0]`,
  },
  {
    name: "volume named like the files volume",
    args: { volumes: [{ volume: volumeRef("dockyard-files"), mountPath: "/x" }] },
    argument: "volumes[0].volume",
    message: `must not be named "dockyard-files", a volume name dockyard reserves`,
  },
  {
    name: "pull secret not a name",
    args: { imagePullSecrets: ["Registry_Creds"] },
    argument: "imagePullSecrets[0]",
    message: `must be a Secret name (lower-case DNS subdomain), got "Registry_Creds"`,
  },
  {
    // Each label of a subdomain starts and ends with a letter or digit: the API server refuses "..".
    name: "pull secret with an empty label",
    args: { imagePullSecrets: ["registry..creds"] },
    argument: "imagePullSecrets[0]",
    message: `must be a Secret name (lower-case DNS subdomain), got "registry..creds"`,
  },
  {
    name: "pull secrets not a list",
    args: { imagePullSecrets: "creds" },
    argument: "imagePullSecrets",
    message: `must be a list of Secret names, got "creds"`,
  },
  {
    name: "probe scheme",
    args: { ports: [{ containerPort: 443 }], healthCheck: { path: "/", scheme: "TLS" } },
    argument: "healthCheck.scheme",
    message: `must be "HTTP" or "HTTPS", got "TLS"`,
  },
  {
    name: "image tag only",
    args: { image: "registry.local/web:1.0" },
    argument: "image",
    message: `"registry.local/web:1.0" has no digest: a tag can be moved to other bytes after review; deploy repo[:tag]@sha256:<digest> (ServiceImage.ref gives one) or set security.allowMutableImageTag: true`,
  },
  {
    name: "image tagged latest",
    args: { image: "registry.local/web:latest", security: { allowMutableImageTag: true } },
    argument: "image",
    message: `"registry.local/web:latest" is tagged "latest": it names whatever was pushed last`,
  },
  {
    name: "image opt-out not a boolean",
    args: { security: { allowLatestTag: "yes" } },
    argument: "security.allowLatestTag",
    message: `must be true or false, got "yes"`,
  },
  {
    name: "namespace not a DNS label",
    args: { namespace: "Apps_NS" },
    argument: "namespace",
    message: `must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "Apps_NS"`,
  },
  // Each argument's own refusal (mutation testing found these untested).
  {
    name: 'restartPolicy: must be "always" or "unless-stopped" on Kubernetes',
    args: { restartPolicy: "on-failure" },
    argument: "restartPolicy",
    message:
      'must be "always" or "unless-stopped" on Kubernetes, whose Deployments and StatefulSets always restart pods, got "on-failure"',
  },
  {
    name: "command: an empty list",
    args: { command: [] },
    argument: "command",
    message: "must name an executable as its first element",
  },
  {
    name: "command: an empty executable",
    args: { command: [""] },
    argument: "command",
    message: "must name an executable as its first element",
  },
  {
    name: "args: must be a list of strings",
    args: { args: "x" },
    argument: "args",
    message: 'must be a list of strings, got "x"',
  },
  {
    name: "partOf: must be a label value (at most 63 letters",
    args: { partOf: "Bad Label!" },
    argument: "partOf",
    message:
      'must be a label value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit), got "Bad Label!"',
  },
  {
    name: "runAsGroup: must be an integer from 0 to 2147483647",
    args: { runAsGroup: -1 },
    argument: "runAsGroup",
    message: "must be an integer from 0 to 2147483647, got -1",
  },
  {
    name: 'scratchSize: must be a memory quantity like "256Mi" or "1Gi" (units Ki',
    args: { scratchSize: "lots" },
    argument: "scratchSize",
    message:
      'must be a memory quantity like "256Mi" or "1Gi" (units Ki, Mi, Gi, Ti, k, M, G, T), from 6Mi to 1Ti in whole bytes, got "lots"',
  },
  {
    name: "stopGracePeriodSeconds: must be an integer from 0 to 3600",
    args: { stopGracePeriodSeconds: 4000 },
    argument: "stopGracePeriodSeconds",
    message: "must be an integer from 0 to 3600, got 4000",
  },
  {
    name: "environment: must be a map of names to values",
    args: { environment: "x" },
    argument: "environment",
    message: 'must be a map of names to values, got "x"',
  },
  {
    name: "secrets: must be a map of names to values",
    args: { secrets: 5 },
    argument: "secrets",
    message: "must be a map of names to values, got 5",
  },
  {
    name: "environment.A: must be a string (or an output of one)",
    args: { environment: { A: 5 } },
    argument: "environment.A",
    message: "must be a string (or an output of one), got 5",
  },
  {
    name: "secrets.A: must be a string (or an output of one)",
    args: { secrets: { A: null } },
    argument: "secrets.A",
    message: "must be a string (or an output of one), got null",
  },
  {
    name: "volumes[0].volume: must be a PersistentVolume",
    args: { volumes: [{ volume: { logicalName: 3, accessMode: "ReadWriteOnce" }, mountPath: "/d" }] },
    argument: "volumes[0].volume",
    message: "must be a PersistentVolume",
  },
  {
    name: "volumes[0].mountPath: must be an absolute path",
    args: { volumes: [{ volume: data, mountPath: "d" }] },
    argument: "volumes[0].mountPath",
    message: 'must be an absolute path, got "d"',
  },
  {
    name: 'volumes[0].mountPath: must not be "/" or the scratch directory "/tmp"',
    args: { volumes: [{ volume: data, mountPath: "/" }] },
    argument: "volumes[0].mountPath",
    message: 'must not be "/" or the scratch directory "/tmp", got "/"',
  },
  {
    name: "volumes[0].readOnly: must be true or false",
    args: { volumes: [{ volume: data, mountPath: "/d", readOnly: "yes" }] },
    argument: "volumes[0].readOnly",
    message: 'must be true or false, got "yes"',
  },
  {
    name: 'healthCheck.readinessPath: must be an HTTP path starting with "/"',
    args: { ports: [{ containerPort: 8080 }], healthCheck: { path: "/h", readinessPath: "ready" } },
    argument: "healthCheck.readinessPath",
    message: 'must be an HTTP path starting with "/", got "ready"',
  },
  {
    name: "healthCheck.port: must be an integer from 1 to 65535",
    args: { ports: [{ containerPort: 8080 }], healthCheck: { path: "/h", port: 0 } },
    argument: "healthCheck.port",
    message: "must be an integer from 1 to 65535, got 0",
  },
  {
    name: "healthCheck.timeoutSeconds: must be an integer from 1 to 3600",
    args: { ports: [{ containerPort: 8080 }], healthCheck: { path: "/h", timeoutSeconds: 0 } },
    argument: "healthCheck.timeoutSeconds",
    message: "must be an integer from 1 to 3600, got 0",
  },
  {
    name: "healthCheck.retries: must be an integer from 1 to 100",
    args: { ports: [{ containerPort: 8080 }], healthCheck: { path: "/h", retries: 0 } },
    argument: "healthCheck.retries",
    message: "must be an integer from 1 to 100, got 0",
  },
  {
    name: "healthCheck.startPeriodSeconds: must be an integer from 0 to 3600",
    args: { ports: [{ containerPort: 8080 }], healthCheck: { path: "/h", startPeriodSeconds: -1 } },
    argument: "healthCheck.startPeriodSeconds",
    message: "must be an integer from 0 to 3600, got -1",
  },
  {
    name: "healthCheck.command: must name an executable as its first element",
    args: { ports: [{ containerPort: 8080 }], healthCheck: { command: [] } },
    argument: "healthCheck.command",
    message: "must name an executable as its first element",
  },
  {
    name: 'resources.cpuRequest: must be a CPU amount like "250m"',
    args: { resources: { cpu: "1", cpuRequest: "lots" } },
    argument: "resources.cpuRequest",
    message: 'must be a CPU amount like "250m", "0.5" or "2" (cores), from 1m to 256 in whole millicores, got "lots"',
  },
  {
    name: 'resources.memoryRequest: must be a memory quantity like "256Mi" or "1Gi" (units Ki',
    args: { resources: { memory: "1Gi", memoryRequest: "lots" } },
    argument: "resources.memoryRequest",
    message:
      'must be a memory quantity like "256Mi" or "1Gi" (units Ki, Mi, Gi, Ti, k, M, G, T), from 6Mi to 1Ti in whole bytes, got "lots"',
  },
  {
    name: 'resources.cpuRequest: must not exceed cpu ("500m")',
    args: { resources: { cpu: "500m", cpuRequest: "1" } },
    argument: "resources.cpuRequest",
    message: 'must not exceed cpu ("500m"), got "1"',
  },
  {
    name: "imagePullSecrets[0]: must be a Secret name",
    args: { imagePullSecrets: [5] },
    argument: "imagePullSecrets[0]",
    message: "must be a Secret name, got 5",
  },
  {
    name: "image: must be a non-empty image reference without spaces",
    args: { image: "" },
    argument: "image",
    message: 'must be a non-empty image reference without spaces, got ""',
  },
  {
    name: "component: must be a label value (at most 63 letters",
    args: { component: "Bad Label!" },
    argument: "component",
    message:
      'must be a label value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit), got "Bad Label!"',
  },
  {
    name: "allowFrom: service not a name",
    args: { allowFrom: [{ service: "Bad_Svc" }] },
    argument: "allowFrom[0].service",
    message:
      'must be a DNS label starting with a letter (lower-case letters, digits and "-", at most 63 characters), got "Bad_Svc"',
  },
  {
    name: "allowFrom: namespace not a label",
    args: { allowFrom: [{ namespace: "Bad_NS" }] },
    argument: "allowFrom[0].namespace",
    message: 'must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "Bad_NS"',
  },
  {
    name: "allowFrom: empty peer",
    args: { allowFrom: [{}] },
    argument: "allowFrom[0]",
    message: "must name a service, a namespace or both (an empty peer would admit every pod)",
  },
  {
    name: "allowTo: cidr and pods",
    args: { allowTo: [{ cidr: "10.0.0.0/8", service: "db", ports: [{ port: 5432 }] }] },
    argument: "allowTo[0]",
    message: "must name either an IP block (cidr) or pods (service, namespace), not both",
  },
  {
    name: "allowTo: no destination",
    args: { allowTo: [{ ports: [{ port: 5432 }] }] },
    argument: "allowTo[0]",
    message: "must name a service, a namespace or a cidr (an empty destination would allow everything)",
  },
  {
    name: "allowTo: except without cidr",
    args: { allowTo: [{ service: "db", except: ["10.0.0.0/8"], ports: [{ port: 5432 }] }] },
    argument: "allowTo[0].except",
    message: "applies only with cidr",
  },
  {
    name: "allowTo: port 0",
    args: { allowTo: [{ service: "db", ports: [{ port: 0 }] }] },
    argument: "allowTo[0].ports[0].port",
    message: "must be a port from 1 to 65535, got 0",
  },
  {
    name: "allowTo: protocol",
    args: { allowTo: [{ service: "db", ports: [{ port: 53, protocol: "icmp" }] }] },
    argument: "allowTo[0].ports[0].protocol",
    message: 'must be "tcp" or "udp", got "icmp"',
  },
  {
    name: "allowTo: no ports",
    args: { allowTo: [{ service: "db", ports: [] }] },
    argument: "allowTo[0].ports",
    message: "must list at least one port",
  },
  {
    name: "allowDns not a boolean",
    args: { allowDns: "yes" },
    argument: "allowDns",
    message: 'must be true or false, got "yes"',
  },
  {
    name: "route: gateway not a name",
    args: { ports: HTTP, route: { listener: { ...LISTENER, gateway: "Bad_GW" } } },
    argument: "route.listener.gateway",
    message:
      'must be a lower-case DNS subdomain like "fast-ssd" or "gp3.csi.example.com" (labels of letters, digits and "-", at most 253 characters), got "Bad_GW"',
  },
  {
    name: "route: namespace not a label",
    args: { ports: HTTP, route: { listener: { ...LISTENER, namespace: "Bad_NS" } } },
    argument: "route.listener.namespace",
    message: 'must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "Bad_NS"',
  },
  {
    name: "route: listener not a label",
    args: { ports: HTTP, route: { listener: { ...LISTENER, listener: "Bad_L" } } },
    argument: "route.listener.listener",
    message: 'must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "Bad_L"',
  },
  {
    name: "route: no gateway",
    args: { ports: HTTP, route: { listener: { ...LISTENER, gateway: undefined } } },
    argument: "route.listener.gateway",
    message: "is required: the Gateway's name",
  },
  {
    name: "route: no tcp port",
    args: { ports: [{ containerPort: 53, protocol: "udp" }], route: { listener: LISTENER } },
    argument: "route",
    message: "needs a tcp port to route to: the service declares none",
  },
  {
    name: "autoscaling: minReplicas 0",
    args: { autoscaling: { minReplicas: 0 } },
    argument: "autoscaling.minReplicas",
    message: "must be an integer from 1 to 100, got 0",
  },
  {
    name: "autoscaling: maxReplicas 1000",
    args: { autoscaling: { maxReplicas: 1000 } },
    argument: "autoscaling.maxReplicas",
    message: "must be an integer from 1 to 100, got 1000",
  },
  {
    name: "autoscaling: target 0",
    args: { autoscaling: { targetCpuUtilization: 0 } },
    argument: "autoscaling.targetCpuUtilization",
    message: "must be an integer from 10 to 100, got 0",
  },
  {
    name: "autoscaling: max below min",
    args: { autoscaling: { minReplicas: 3, maxReplicas: 2 } },
    argument: "autoscaling.maxReplicas",
    message: "must be at least minReplicas (3), got 2",
  },
  {
    name: "servicePort 0",
    args: { ports: [{ containerPort: 8080, servicePort: 0 }] },
    argument: "ports[0].servicePort",
    message: "must be an integer from 1 to 65535, got 0",
  },
  {
    name: "port name twice",
    args: {
      ports: [
        { containerPort: 8080, name: "a" },
        { containerPort: 8081, name: "a" },
      ],
    },
    argument: "ports[1].name",
    message: '"a" is already declared by ports[0]',
  },
  {
    name: "ports not a list",
    args: { ports: "8080" },
    argument: "ports",
    message: 'must be a list of ports, got "8080"',
  },
  {
    name: "port without containerPort",
    args: { ports: [{}] },
    argument: "ports[0].containerPort",
    message: "is required",
  },
  {
    name: "port name not IANA",
    args: { ports: [{ containerPort: 8080, name: "Bad_Name" }] },
    argument: "ports[0].name",
    message:
      'must be an IANA service name (lower-case letters, digits and "-", at most 15 characters, at least one letter), got "Bad_Name"',
  },
  {
    name: "capability ALL",
    args: { security: { addCapabilities: ["ALL"] } },
    argument: "security.addCapabilities[0]",
    message: 'must be a capability name without the CAP_ prefix (e.g. "NET_BIND_SERVICE"), not ALL, got "ALL"',
  },
  {
    // Docker refuses it at create ("unknown capability"), a Kubernetes runtime when the pod starts.
    name: "capability unknown to Linux",
    args: { security: { addCapabilities: ["NET_BIND_SERVICE", "NET_SUPERPOWERS"] } },
    argument: "security.addCapabilities[1]",
    message: 'is not a Linux capability (see capabilities(7); the engine would refuse it), got "NET_SUPERPOWERS"',
  },
  {
    name: "capability not a name",
    args: { security: { addCapabilities: ["net admin"] } },
    argument: "security.addCapabilities[0]",
    message: 'must be a capability name without the CAP_ prefix (e.g. "NET_BIND_SERVICE"), not ALL, got "net admin"',
  },
];

describe("resolveServiceSpec: validation", () => {
  it.each(BAD)("$name → one ComponentArgError naming the instance and $argument", ({ args, argument, message }) => {
    const attempt = () => resolveServiceSpec("web", { ...MINIMAL, ...args });
    expect(attempt).toThrow(ComponentArgError);
    expect(attempt).toThrow(`ContainerService "web": ${argument} ${message}`);
    try {
      attempt();
    } catch (error) {
      expect((error as ComponentArgError).component).toBe(`ContainerService "web"`);
      expect((error as ComponentArgError).argument).toBe(argument);
    }
  });

  it("rejects an instance name that is not a DNS label", () => {
    expect(() => resolveServiceSpec("Web_1", MINIMAL)).toThrow(
      `ContainerService "Web_1": name must be a DNS label starting with a letter (lower-case letters, digits and "-", at most 63 characters), got "Web_1"`,
    );
  });
});

describe("resolveServiceSpec: defaults", () => {
  it("applies the hardened defaults when nothing optional is passed", () => {
    const spec = serviceSpec();
    expect(spec).toMatchObject({
      name: "web",
      replicas: 1,
      restartPolicy: hardening.DEFAULT_RESTART_POLICY,
      runAsUser: hardening.NONROOT_UID,
      runAsGroup: hardening.NONROOT_GID,
      stopGraceSeconds: hardening.DEFAULT_STOP_GRACE_SECONDS,
      partOf: "dockyard",
      ports: [],
      env: [],
      volumes: [],
      files: [],
      filesDir: hardening.FILES_DIR,
      imagePullSecrets: [],
      healthCheck: undefined,
      resources: {
        cpuMillis: 500,
        memoryBytes: 256 * 2 ** 20,
        cpuRequestMillis: 500,
        memoryRequestBytes: 256 * 2 ** 20,
        pids: SERVICE_DEFAULTS.pids,
      },
      scratchBytes: 64 * 2 ** 20,
    });
    expect(spec.security).toEqual({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      noNewPrivileges: true,
      dropCapabilities: ["ALL"],
      addCapabilities: [],
      seccompProfile: "RuntimeDefault",
      publishAddress: "127.0.0.1",
    });
  });

  it("defaults ports (tcp, Service port = container port, named) and health timings", () => {
    const spec = serviceSpec({
      ports: [{ containerPort: 8080 }, { containerPort: 53, protocol: "udp" }],
      healthCheck: { path: "/healthz" },
    });
    expect(spec.ports).toEqual([
      { name: "tcp-8080", containerPort: 8080, protocol: "tcp", hostPort: undefined, servicePort: 8080 },
      { name: "udp-53", containerPort: 53, protocol: "udp", hostPort: undefined, servicePort: 53 },
    ]);
    expect(spec.healthCheck).toEqual({
      path: "/healthz",
      readinessPath: undefined,
      scheme: "HTTP",
      port: 8080,
      command: undefined,
      intervalSeconds: 10,
      timeoutSeconds: 3,
      retries: 3,
      startPeriodSeconds: 10,
    });
  });

  it("normalizes mount paths and keeps volume identity from the volume, not the service", () => {
    const spec = serviceSpec(
      { volumes: [{ volume: volumeRef("web-data"), mountPath: "/srv//data/" }] },
      "renamed-service",
    );
    expect(spec.volumes).toEqual([
      { name: "web-data", source: "web-data", mountPath: "/srv/data", readOnly: false, accessMode: "ReadWriteOnce" },
    ]);
  });

  it("lets named opt-outs relax exactly what they name", () => {
    const spec = serviceSpec({
      runAsUser: 0,
      security: {
        allowRunAsRoot: true,
        allowWritableRootFilesystem: true,
        allowPrivilegeEscalation: true,
        addCapabilities: ["NET_BIND_SERVICE"],
        publishAddress: "0.0.0.0",
      },
    });
    expect(spec.security).toEqual({
      runAsNonRoot: false,
      readOnlyRootFilesystem: false,
      noNewPrivileges: false,
      dropCapabilities: ["ALL"],
      addCapabilities: ["NET_BIND_SERVICE"],
      seccompProfile: "RuntimeDefault",
      publishAddress: "0.0.0.0",
    });
  });

  it("sorts files by name, normalizes filesDir, keeps pull Secret names and the probe scheme", () => {
    const spec = serviceSpec({
      ports: [{ containerPort: 5000 }],
      files: { htpasswd: "u:hash", "config.yml": "version: 0.1" },
      filesDir: "/etc/registry/",
      imagePullSecrets: ["registry-creds"],
      healthCheck: { path: "/", scheme: "HTTPS" },
    });
    expect(spec.files).toEqual([
      { name: "config.yml", content: "version: 0.1" },
      { name: "htpasswd", content: "u:hash" },
    ]);
    expect(spec.filesDir).toBe("/etc/registry");
    expect(spec.imagePullSecrets).toEqual(["registry-creds"]);
    expect(spec.healthCheck?.scheme).toBe("HTTPS");
  });

  it("allows a shared (ReadWriteMany) or read-only volume on several replicas", () => {
    expect(
      serviceSpec({ replicas: 3, volumes: [{ volume: volumeRef("shared", "ReadWriteMany"), mountPath: "/shared" }] })
        .replicas,
    ).toBe(3);
    expect(
      serviceSpec({ replicas: 3, volumes: [{ volume: volumeRef("seed"), mountPath: "/seed", readOnly: true }] })
        .replicas,
    ).toBe(3);
  });
});

describe("what Docker would refuse at create", () => {
  it("a CPU limit below 0.01 CPU, on docker only (the rule stack config applies too)", () => {
    expect(() => resolveServiceSpec("web", { ...MINIMAL, target: "docker", resources: { cpu: "5m" } })).toThrow(
      `ContainerService "web": resources.cpu must be at least "10m" on docker, whose smallest CPU limit is 0.01 CPU (--cpus); it would refuse to create the container, got "5m"`,
    );
    expect(resolveServiceSpec("web", { ...MINIMAL, resources: { cpu: "5m" } }).resources.cpuMillis).toBe(5);
  });
});
