import { describeValue } from "../errors";
import type { PortArgs } from "./args";
import type { PortSpec, Protocol } from "./spec";
import type { Target } from "../types";
import { type ArgPath, integerArg, oneOfArg, mapArg } from "../args";

const PROTOCOLS: readonly Protocol[] = ["tcp", "udp"];
// IANA service name, as Kubernetes requires for port names.
const PORT_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;

/**
 * Validates the declared ports and applies their defaults: protocol tcp, Service port =
 * container port, name "<protocol>-<port>". Rejects duplicates (same port and protocol,
 * same published host port, same Service port, same name) and host ports published by more
 * than one Docker replica.
 */
export function resolvePorts(
  at: ArgPath,
  value: readonly PortArgs[] | undefined,
  target: Target,
  replicas: number,
): PortSpec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) at.fail(`must be a list of ports, got ${describeValue(value)}`);
  const ports: PortSpec[] = [];
  value.forEach((raw, i) => {
    const here = at.index(i);
    const port = mapArg(here, raw) as unknown as PortArgs;
    if (port.containerPort === undefined) here.field("containerPort").fail("is required");
    const containerPort = integerArg(here.field("containerPort"), port.containerPort, 1, 65535, 0);
    const protocol = oneOfArg(here.field("protocol"), port.protocol, PROTOCOLS, "tcp");
    const hostPort =
      port.hostPort === undefined ? undefined : integerArg(here.field("hostPort"), port.hostPort, 1, 65535, 0);
    const servicePort = integerArg(here.field("servicePort"), port.servicePort, 1, 65535, containerPort);
    const name = port.name ?? `${protocol}-${containerPort}`;
    if (typeof name !== "string" || !PORT_NAME.test(name)) {
      here
        .field("name")
        .fail(
          `must be an IANA service name (lower-case letters, digits and "-", at most 15 characters, at least one letter), got ${describeValue(name)}`,
        );
    }
    const clash = (test: (p: PortSpec) => boolean, field: string, what: string): void => {
      const j = ports.findIndex(test);
      if (j >= 0) here.field(field).fail(`${what} is already declared by ports[${j}]`);
    };
    clash(
      (p) => p.containerPort === containerPort && p.protocol === protocol,
      "containerPort",
      `${containerPort}/${protocol}`,
    );
    if (hostPort !== undefined)
      clash((p) => p.hostPort === hostPort && p.protocol === protocol, "hostPort", `${hostPort}/${protocol}`);
    clash((p) => p.servicePort === servicePort && p.protocol === protocol, "servicePort", `${servicePort}/${protocol}`);
    clash((p) => p.name === name, "name", `"${name}"`);
    if (hostPort !== undefined && target === "docker" && replicas > 1) {
      here
        .field("hostPort")
        .fail(`cannot be published by ${replicas} replicas on one Docker host; use replicas 1 or leave hostPort unset`);
    }
    ports.push({ name, containerPort, protocol, hostPort, servicePort });
  });
  return ports;
}
