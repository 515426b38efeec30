import { mkdir, open, readFile, type FileHandle } from "node:fs/promises";
import * as path from "node:path";

/** One stored record. */
export interface StoredRecord {
  readonly id: number;
  readonly receivedAt: string;
  readonly body: string;
}

const FILE_NAME = "records.jsonl";

/**
 * An append-only log of records in `<dataDir>/records.jsonl`, one JSON object per line.
 * Every append is written and fsync'ed before it is acknowledged, and appends run one at a
 * time, so an acknowledged record survives a crash or the container's removal.
 */
export class RecordStore {
  private queue: Promise<unknown> = Promise.resolve();
  private nextId: number;
  private readonly file: string;
  private readonly handle: FileHandle;

  private constructor(file: string, handle: FileHandle, nextId: number) {
    this.file = file;
    this.handle = handle;
    this.nextId = nextId;
  }

  /**
   * Opens (creating if needed) the log in `dataDir`. A line torn by a crash mid-write (no
   * trailing newline) is cut off, so the next append starts on a clean line.
   */
  static async open(dataDir: string): Promise<RecordStore> {
    await mkdir(dataDir, { recursive: true });
    const file = path.join(dataDir, FILE_NAME);
    const handle = await open(file, "a+", 0o640);
    try {
      const text = await readFile(file, "utf8");
      const complete = text.endsWith("\n") || text === "" ? text : text.slice(0, text.lastIndexOf("\n") + 1);
      if (complete.length !== text.length) {
        await handle.truncate(Buffer.byteLength(complete));
        await handle.sync();
      }
      await syncDirectory(dataDir);
      return new RecordStore(file, handle, complete.split("\n").filter((l) => l !== "").length + 1);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Appends a record durably and returns it once it is on disk. */
  append(body: string): Promise<StoredRecord> {
    const run = this.queue.then(async () => {
      const record: StoredRecord = { id: this.nextId, receivedAt: new Date().toISOString(), body };
      await this.handle.write(`${JSON.stringify(record)}\n`);
      await this.handle.sync();
      this.nextId += 1;
      return record;
    });
    this.queue = run.catch(() => undefined); // a failed append must not block the next ones
    return run;
  }

  /** Every acknowledged record, oldest first. */
  async list(): Promise<StoredRecord[]> {
    await this.queue;
    const text = await readFile(this.file, "utf8");
    return text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as StoredRecord);
  }

  /** Waits for pending appends and closes the file. */
  async close(): Promise<void> {
    await this.queue;
    await this.handle.close();
  }
}

/** fsync the directory so a newly created file's entry is durable too. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
