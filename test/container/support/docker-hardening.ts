/**
 * An independent check of a recorded docker.Container's inputs against dockyard's Docker
 * hardening rules (ADR 0004): returns every violation found.
 */
export function dockerHardeningViolations(inputs: Record<string, unknown>): string[] {
  const found: string[] = [];
  const user = typeof inputs.user === "string" ? inputs.user : "";
  const [uid, gid] = user.split(":");
  if (!/^\d+$/.test(uid ?? "") || !/^\d+$/.test(gid ?? "") || Number(uid) === 0)
    found.push(`user ${JSON.stringify(inputs.user)} is not a numeric non-root uid:gid`);
  if (inputs.readOnly !== true) found.push("root filesystem writable");
  const tmpfs = inputs.tmpfs as Record<string, string> | undefined;
  if (tmpfs?.["/tmp"] === undefined) found.push("no tmpfs on /tmp");
  const caps = inputs.capabilities as { drops?: string[]; adds?: string[] } | undefined;
  if (!(caps?.drops ?? []).includes("ALL")) found.push("capabilities not dropping ALL");
  if ((caps?.adds ?? []).length > 0) found.push(`adds capabilities ${String(caps?.adds)}`);
  if (!((inputs.securityOpts as string[] | undefined) ?? []).some((o) => /^no-new-privileges(:true)?$/.test(o)))
    found.push("no no-new-privileges");
  if (inputs.privileged === true) found.push("privileged");
  if (typeof inputs.memory !== "number" || inputs.memory <= 0) found.push("no memory limit");
  if (inputs.memorySwap !== inputs.memory) found.push("swap beyond the memory limit");
  if (typeof inputs.cpus !== "string") found.push("no CPU limit");
  const logOpts = inputs.logOpts as Record<string, string> | undefined;
  if (inputs.logDriver !== "json-file" || logOpts?.["max-size"] === undefined || logOpts["max-file"] === undefined)
    found.push("logs not rotated");
  if (typeof inputs.restart !== "string") found.push("no restart policy");
  for (const port of (inputs.ports as { ip?: string }[] | undefined) ?? []) {
    if (port.ip !== "127.0.0.1" && port.ip !== "::1") found.push(`port published on ${port.ip ?? "all interfaces"}`);
  }
  for (const forbidden of ["pidMode", "ipcMode", "networkMode", "usernsMode", "devices"]) {
    if (inputs[forbidden] !== undefined) found.push(`${forbidden} set`);
  }
  return found;
}
