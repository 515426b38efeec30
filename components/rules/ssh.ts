import { accept, CONTROL_OR_LINE_BREAK, refuse, rule, type Rule } from "./rule";

/** Public key types OpenSSH accepts in `authorized_keys` that dockyard allows (no DSA). */
export const SSH_KEY_TYPES = [
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
] as const;

const EXPECTS = `an OpenSSH public key like "ssh-ed25519 AAAA… ops@example" (one line)`;

/**
 * One OpenSSH public key, `type base64 [comment]`, on one line: the key's blob must decode and
 * name the same type, and the comment may hold no control character or Unicode line break
 * (cloud-init would split the line there into a second, attacker-chosen key).
 */
export const sshPublicKey: Rule<string> = rule(EXPECTS, (value) => {
  if (typeof value !== "string") return refuse(`must be ${EXPECTS}`);
  if (CONTROL_OR_LINE_BREAK.test(value))
    return refuse("must be one line without control characters or Unicode line breaks");
  const match = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: (.{1,1024}))?$/.exec(value.trim());
  if (match === null) return refuse(`must be ${EXPECTS}`);
  const [, type, blob] = match;
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type))
    return refuse(`has key type "${type}", expected one of ${SSH_KEY_TYPES.join(", ")}`);
  // The blob starts with its type, as an SSH string: a 32-bit big-endian length, then the name.
  const header = Buffer.alloc(4 + type.length);
  header.writeUInt32BE(type.length);
  header.write(type, 4, "latin1");
  if (!Buffer.from(blob, "base64").subarray(0, header.length).equals(header)) {
    return refuse(`has a key blob that does not decode to a ${type} key`);
  }
  return accept(value.trim());
});
