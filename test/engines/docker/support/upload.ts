/**
 * Uploads files into a created container the way @pulumi/docker's `Container.uploads` does:
 * a tar archive (one regular file per upload, owner root, the upload's mode) sent through the
 * engine's `PUT /containers/{id}/archive?path=/` before the container starts.
 */
import { request } from "node:http";
import { posix } from "node:path";
import { engineUnderTest } from "../../support/requirements";

/** One upload: absolute path in the container, content, octal mode such as "0444". */
export interface FileUpload {
  readonly file: string;
  readonly content: string;
  readonly permissions: string;
}

/** The engine's answer: 200 when the files were written, else its status and message. */
export interface UploadResult {
  readonly status: number;
  readonly message: string;
}

/** The engine under test's socket: the uploads go through its Docker API, as the provider's do. */
function socketPath(): string {
  const host = engineUnderTest().host ?? process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
  if (!host.startsWith("unix://")) throw new Error(`uploads need a local engine socket, not ${host}`);
  return host.slice("unix://".length);
}

/**
 * Sends the uploads to a container through the engine API; resolves with the engine's answer.
 * @param into the directory the archive is extracted in: "/" as the provider sends it, or the
 *   files' own directory (names relative to it), as `docker cp` sends a file.
 */
export function uploadLikeProvider(
  container: string,
  uploads: readonly FileUpload[],
  into = "/",
): Promise<UploadResult> {
  const archive = tarArchive(
    uploads.map((u) => ({ ...u, file: into === "/" ? u.file : posix.relative(into, u.file) })),
  );
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath: socketPath(),
        method: "PUT",
        path: `/containers/${encodeURIComponent(container)}/archive?path=${encodeURIComponent(into)}`,
        headers: { "Content-Type": "application/x-tar", "Content-Length": archive.length },
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, message: messageOf(body) }));
      },
    );
    req.on("error", reject);
    req.end(archive);
  });
}

function messageOf(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body;
  }
}

/** A POSIX ustar archive of regular files owned by 0:0. */
export function tarArchive(uploads: readonly FileUpload[]): Buffer {
  const blocks: Buffer[] = [];
  for (const upload of uploads) {
    const content = Buffer.from(upload.content, "utf8");
    blocks.push(header(upload.file.replace(/^\/+/, ""), Number.parseInt(upload.permissions, 8), content.length));
    blocks.push(content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024)); // two zero blocks end the archive
  return Buffer.concat(blocks);
}

function header(name: string, mode: number, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar name longer than 100 bytes: ${name}`);
  const block = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) => block.write(value, offset, length, "utf8");
  const octal = (offset: number, length: number, value: number) =>
    field(offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
  field(0, 100, name);
  octal(100, 8, mode);
  octal(108, 8, 0); // uid root
  octal(116, 8, 0); // gid root
  octal(124, 12, size);
  octal(136, 12, Math.floor(Date.now() / 1000));
  field(148, 8, "        "); // checksum counts as spaces while summing
  field(156, 1, "0"); // regular file
  field(257, 6, "ustar\0");
  field(263, 2, "00");
  let sum = 0;
  for (const byte of block) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return block;
}
