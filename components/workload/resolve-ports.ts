import { describeValue } from "../errors";
import type { PortArgs } from "./args";
import type { PortSpec, Protocol } from "./spec";
import type { Target } from "../types";
import { allDefined, type ArgPath } from "../args";
import * as rules from "../rules";

const PROTOCOLS: readonly Protocol[] = ["tcp", "udp"];
const PORT = rules.integerIn(1, 65535);

/**
 * Validates the declared ports and applies their defaults: protocol tcp, Service port =
 * container port, name "<protocol>-<port>". Rejects duplicates (same port and protocol,
 * same published host port, same Service port, same name) and host ports published by more
 * than one Docker replica. Undefined after reporting a problem.
 */
export function resolvePorts(
  at: ArgPath,
  value: readonly PortArgs[] | undefined,
  target: Target,
  replicas: number,
): PortSpec[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return at.report(`must be a list of ports, got ${describeValue(value)}`);
  const ports: PortSpec[] = [];
  const checked = value.map((raw, i) => {
    const port = resolvePort(at.index(i), raw, ports, target, replicas);
    if (port !== undefined) ports.push(port);
    return port;
  });
  return allDefined(checked);
}

function resolvePort(
  here: ArgPath,
  raw: unknown,
  earlier: readonly PortSpec[],
  target: Target,
  replicas: number,
): PortSpec | undefined {
  const port = here.optional(rules.map, raw, {}) as PortArgs | undefined;
  if (port === undefined) return undefined;
  if (port.containerPort === undefined) return here.field("containerPort").report("is required");
  const first = allDefined({
    containerPort: here.field("containerPort").check(PORT, port.containerPort),
    protocol: here.field("protocol").optional(rules.oneOf(PROTOCOLS), port.protocol, "tcp"),
  });
  const hostPort = port.hostPort === undefined ? undefined : here.field("hostPort").check(PORT, port.hostPort);
  const servicePort =
    port.servicePort === undefined ? first?.containerPort : here.field("servicePort").check(PORT, port.servicePort);
  if (first === undefined || servicePort === undefined || (port.hostPort !== undefined && hostPort === undefined))
    return undefined;
  const { containerPort, protocol } = first;
  const name = here.field("name").check(rules.portName, port.name ?? `${protocol}-${containerPort}`);
  if (name === undefined) return undefined;
  const spec: PortSpec = { name, containerPort, protocol, hostPort, servicePort };
  for (const field of ["containerPort", "hostPort", "servicePort", "name"] as const) {
    const same = (p: PortSpec) => p[field] === spec[field] && (field === "name" || p.protocol === protocol);
    const j = spec[field] === undefined ? -1 : earlier.findIndex(same);
    const what = field === "name" ? `"${name}"` : `${spec[field]}/${protocol}`;
    if (j >= 0) return here.field(field).report(`${what} is already declared by ports[${j}]`);
  }
  if (hostPort !== undefined && target === "docker" && replicas > 1) {
    return here
      .field("hostPort")
      .report(`cannot be published by ${replicas} replicas on one Docker host; use replicas 1 or leave hostPort unset`);
  }
  return spec;
}
