/**
 * A log file that rotates by size: when the next line would take the file
 * past `maxBytes`, `name` becomes `name.1`, `name.1` becomes `name.2` and so
 * on, and the oldest beyond `keepFiles` is deleted.
 *
 * Writes are synchronous appends of one line each, so a line is on disk
 * (in the page cache) when the log call returns and a crash loses nothing
 * that was logged; a line costs a few microseconds.
 *
 * @module
 */

import type { LogRecord, Sink } from "@logtape/logtape";

/** Options of {@linkcode createRotatingFileSink}. */
export interface RotatingFileOptions {
  /** The directory; created if missing. */
  dir: string;
  /** The current file's name; default "autofocus.log". */
  fileName?: string;
  /** Size that triggers a rotation; default 10 MiB. */
  maxBytes?: number;
  /** Rotated files kept besides the current one; default 5. */
  keepFiles?: number;
  /** Renders a record as one line without the newline. */
  format: (record: LogRecord) => string;
}

/** A sink that owns an open file; dispose it to close the file. */
export type FileSink = Sink & Disposable;

/**
 * Opens the log file and returns a sink that appends to it.
 *
 * @param options where, how big, how many, and the line format
 * @returns the sink; logtape disposes it on reset
 * @throws {Deno.errors.PermissionDenied} and the like when the directory
 *   cannot be created or the file cannot be opened
 */
export function createRotatingFileSink(options: RotatingFileOptions): FileSink {
  const path = `${options.dir}/${options.fileName ?? "autofocus.log"}`;
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const keepFiles = Math.max(0, options.keepFiles ?? 5);
  const encoder = new TextEncoder();
  Deno.mkdirSync(options.dir, { recursive: true });

  let file = openAppend(path);
  let sizeBytes = file.statSync().size;

  const rotate = () => {
    file.close();
    removeIfPresent(`${path}.${keepFiles}`);
    for (let index = keepFiles - 1; index >= 1; index--) {
      renameIfPresent(`${path}.${index}`, `${path}.${index + 1}`);
    }
    if (keepFiles > 0) renameIfPresent(path, `${path}.1`);
    else removeIfPresent(path);
    file = openAppend(path);
    sizeBytes = 0;
  };

  const sink = (record: LogRecord) => {
    const bytes = encoder.encode(`${options.format(record)}\n`);
    if (sizeBytes > 0 && sizeBytes + bytes.length > maxBytes) rotate();
    writeAll(file, bytes);
    sizeBytes += bytes.length;
  };
  return Object.assign(sink, {
    [Symbol.dispose]: () => file.close(),
  });
}

function openAppend(path: string): Deno.FsFile {
  return Deno.openSync(path, { append: true, create: true });
}

function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    offset += file.writeSync(bytes.subarray(offset));
  }
}

function removeIfPresent(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

function renameIfPresent(from: string, to: string): void {
  try {
    Deno.renameSync(from, to);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
