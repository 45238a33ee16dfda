/**
 * Saving and loading the calibration file.
 *
 * A save never leaves a half-written calibration in place: the JSON goes
 * to a temporary file in the same folder, is flushed to disk, and only
 * then renamed over the old file (a rename within one file system is
 * atomic). The previous file is first copied to `<name>.bak`. A crash at
 * any point leaves either the old file or the new one, plus at worst a
 * stray temporary file that the next save removes.
 *
 * Permissions: read and write on the calibration file's folder.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { ParfocalMapping } from "./parfocal_mapping.ts";
import type { MappingOptions } from "./parfocal_mapping.ts";
import {
  CalibrationFileError,
  parseCalibrationFile,
} from "./calibration_schema.ts";

export {
  CALIBRATION_FORMAT_VERSION,
  type CalibrationFile,
  CalibrationFileError,
  type CalibrationFileErrorKind,
} from "./calibration_schema.ts";

/** Suffix of the previous calibration kept on each save. */
export const BACKUP_SUFFIX = ".bak";

/**
 * Writes a mapping's calibration atomically, keeping the previous file as
 * `<path>.bak`. Creates the folder if it is missing.
 *
 * @param path where the calibration lives
 * @param mapping the calibration to write
 * @returns the backup's path when there was a previous file
 * @throws {Error} when the folder or file cannot be written, with the
 *   file-system error as cause; the previous file is then untouched
 */
export async function saveCalibration(
  path: string,
  mapping: ParfocalMapping,
): Promise<{ backupPath?: string }> {
  const folder = dirname(path);
  const text = `${JSON.stringify(mapping.toCalibrationFile(), null, 2)}\n`;
  const temporary = temporaryPath(path);
  try {
    await Deno.mkdir(folder, { recursive: true });
    await removeStrayTemporaries(folder, basename(path));
    await writeDurably(temporary, text);
    const backupPath = await backUp(path, mapping.scannerName);
    await Deno.rename(temporary, path);
    await syncFolder(folder);
    return backupPath ? { backupPath } : {};
  } catch (error) {
    await Deno.remove(temporary).catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Cannot save the calibration to ${path} (${reason}); the previous file is unchanged: check that ${folder} is writable and has space`,
      { cause: error },
    );
  }
}

/**
 * Reads a calibration file into a mapping for this scanner.
 *
 * @param path the calibration file
 * @param options current runtime options (see `fromCalibrationFile`)
 * @param expected the scanner the file must belong to
 * @returns the restored mapping
 * @throws {CalibrationFileError} kind "missing", "corrupt", "foreign" or
 *   "newer_format", with a message that says what to do
 * @throws {Deno.errors.PermissionDenied} when the file may not be read
 */
export async function loadCalibration(
  path: string,
  options: MappingOptions,
  expected: { scannerName: string },
): Promise<ParfocalMapping> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new CalibrationFileError("missing", path, "file not found", {
        cause: error,
      });
    }
    throw error;
  }

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CalibrationFileError("corrupt", path, "not valid JSON", {
      cause: error,
    });
  }
  return ParfocalMapping.fromCalibrationFile(data, options, {
    scannerName: expected.scannerName,
    source: path,
  });
}

function temporaryPath(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${crypto.randomUUID()}.tmp`,
  );
}

async function writeDurably(path: string, text: string): Promise<void> {
  const file = await Deno.open(path, { write: true, createNew: true });
  try {
    const bytes = new TextEncoder().encode(text);
    let written = 0;
    while (written < bytes.length) {
      written += await file.write(bytes.subarray(written));
    }
    await file.sync();
  } finally {
    file.close();
  }
}

/** Copies the current file to `.bak` (via a temporary, so never half). */
/**
 * Keeps the calibration being replaced as `<path>.bak`, but only when it is
 * a valid calibration of this scanner: a corrupt or foreign file must never
 * push a good backup out. Such a file is kept beside it instead, under a
 * name that says it was rejected, so nothing is lost.
 */
async function backUp(
  path: string,
  scannerName: string,
): Promise<string | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  if (!isCalibrationOf(text, scannerName, path)) {
    await Deno.rename(path, `${path}.rejected-${Date.now()}`);
    return undefined;
  }

  const backupPath = `${path}${BACKUP_SUFFIX}`;
  const temporary = temporaryPath(backupPath);
  try {
    await writeDurably(temporary, text);
    await Deno.rename(temporary, backupPath);
  } catch (error) {
    await Deno.remove(temporary).catch(() => undefined);
    throw error;
  }
  return backupPath;
}

function isCalibrationOf(
  text: string,
  scannerName: string,
  source: string,
): boolean {
  try {
    parseCalibrationFile(JSON.parse(text), { scannerName, source });
    return true;
  } catch {
    return false;
  }
}

/** Makes the rename itself durable; not every system allows it. */
async function syncFolder(folder: string): Promise<void> {
  let handle: Deno.FsFile | undefined;
  try {
    handle = await Deno.open(folder, { read: true });
    await handle.sync();
  } catch {
    // Some file systems refuse to sync a folder; the data is already
    // flushed, only the rename's durability is left to the system.
  } finally {
    handle?.close();
  }
}

async function removeStrayTemporaries(
  folder: string,
  name: string,
): Promise<void> {
  const prefixes = [`.${name}.`, `.${name}${BACKUP_SUFFIX}.`];
  for await (const entry of Deno.readDir(folder)) {
    const stray = entry.isFile && entry.name.endsWith(".tmp") &&
      prefixes.some((prefix) => entry.name.startsWith(prefix));
    if (stray) {
      await Deno.remove(join(folder, entry.name)).catch(() => undefined);
    }
  }
}
