/**
 * Making backups: calibration, configuration (the file as written, so
 * `${VAR}` secrets stay out), an online copy of the history database,
 * recent logs and a manifest with checksums. The backup is assembled under
 * a hidden temporary name of its own (`.backup_<time>.<random>.partial`)
 * and renamed to `backup_YYYYmmdd_HHMMSS` (UTC; `_2`, `_3`... when a
 * backup of that second exists) only when complete, so a crash never
 * leaves a backup that looks whole and parallel backups never clash.
 *
 * Limits: files are not fsynced; after a power cut a renamed backup may
 * hold short files, which {@linkcode verifyBackup} then reports as damaged.
 *
 * @module
 */

import type { History } from "../history/history.ts";
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  type BackupManifest,
  describeFile,
  MANIFEST_FILE,
  type ManifestFile,
} from "./manifest.ts";
import { applyRetention, type BackupRetention } from "./retention.ts";

/** Names of the files inside a backup. */
export const BACKUP_FILES = {
  calibration: "calibration.json",
  config: "config.yaml",
  history: "history.sqlite",
  logs: "logs",
} as const;

/** Options of {@linkcode createBackup}. */
export interface CreateBackupOptions {
  /** Directory holding the backups (`maintenance.backup.location`). */
  location: string;
  /** `system.name`; a restore elsewhere refuses the backup. */
  scannerName: string;
  /** The calibration file in use. */
  calibrationFile: string;
  /** The configuration file as loaded, if the service was started with one. */
  configFile?: string;
  /** The open history; copied online. */
  history: Pick<History, "backupTo">;
  /** The log directory; its newest files are copied. */
  logDir: string;
  /** What to keep afterwards. */
  retention: BackupRetention;
  /** Most log bytes copied, newest files first; default 20 MiB. */
  maxLogBytes?: number;
  /** Wall clock; default `() => new Date()`. */
  now?: () => Date;
}

/** What {@linkcode createBackup} made. */
export interface BackupResult {
  /** The finished backup directory. */
  path: string;
  /** Its name, `backup_YYYYmmdd_HHMMSS`. */
  name: string;
  /** The manifest written into it. */
  manifest: BackupManifest;
  /** Older backups removed by the retention rules. */
  removed: string[];
}

/**
 * The directory name for a backup made at `date`, in UTC.
 *
 * @param date when
 * @returns `backup_YYYYmmdd_HHMMSS`
 */
export function backupName(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return `backup_${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${
    pad(date.getUTCDate())
  }_${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${
    pad(date.getUTCSeconds())
  }`;
}

/**
 * Makes a backup, then applies the retention rules.
 *
 * @param options what to back up, where, and what to keep
 * @returns the new backup and the old ones removed
 * @throws {Error} naming the step that failed; nothing partial is left
 */
export async function createBackup(
  options: CreateBackupOptions,
): Promise<BackupResult> {
  const createdAt = (options.now ?? (() => new Date()))();
  await Deno.mkdir(options.location, { recursive: true });
  const base = backupName(createdAt);
  // Unique per run, so two backups started in the same second never share
  // (or delete) each other's staging folder.
  const staging = `${options.location}/.${base}.${
    crypto.randomUUID().slice(0, 8)
  }.partial`;

  let manifest: BackupManifest;
  let name: string;
  try {
    await Deno.mkdir(staging);
    manifest = await assemble(staging, options, createdAt);
    await Deno.writeTextFile(
      `${staging}/${MANIFEST_FILE}`,
      `${JSON.stringify(manifest, null, 2)}\n`,
    );
    name = await renameToFreeName(staging, options.location, base);
  } catch (error) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw new Error(
      `Cannot create a backup in ${options.location}: ${
        error instanceof Error ? error.message : String(error)
      }; check free space and permissions there`,
      { cause: error },
    );
  }

  const removed = await applyRetention(
    options.location,
    options.retention,
    createdAt,
    name,
  );
  return { path: `${options.location}/${name}`, name, manifest, removed };
}

/** Most `_N` suffixes tried for one second's name. */
const MAX_SUFFIX = 100;

/**
 * Renames the finished staging folder to `base`, or `base_2`, `base_3`...
 * when taken. The rename itself claims the name: renaming a folder onto
 * one that holds files fails, so two runs cannot both get the same name.
 */
async function renameToFreeName(
  staging: string,
  location: string,
  base: string,
): Promise<string> {
  for (let suffix = 1; suffix <= MAX_SUFFIX; suffix++) {
    const name = suffix === 1 ? base : `${base}_${suffix}`;
    const target = `${location}/${name}`;
    // An empty folder would be replaced by the rename: only foreign ones
    // can be empty, since a backup always holds its manifest.
    if (await exists(target)) continue;
    try {
      await Deno.rename(staging, target);
      return name;
    } catch (error) {
      if (!(await exists(target))) throw error;
    }
  }
  throw new Error(
    `${MAX_SUFFIX} backups named ${base} already exist; remove some`,
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function assemble(
  staging: string,
  options: CreateBackupOptions,
  createdAt: Date,
): Promise<BackupManifest> {
  const files: ManifestFile[] = [];
  const missing: string[] = [];

  const copied = await copyIfPresent(
    options.calibrationFile,
    `${staging}/${BACKUP_FILES.calibration}`,
  );
  if (copied) {
    files.push(await describeFile(staging, BACKUP_FILES.calibration));
  } else {
    missing.push(
      `${BACKUP_FILES.calibration}: ${options.calibrationFile} does not exist yet`,
    );
  }

  if (options.configFile === undefined) {
    missing.push(
      `${BACKUP_FILES.config}: the service runs on the embedded default`,
    );
  } else if (
    await copyIfPresent(options.configFile, `${staging}/${BACKUP_FILES.config}`)
  ) {
    files.push(await describeFile(staging, BACKUP_FILES.config));
  } else {
    missing.push(
      `${BACKUP_FILES.config}: ${options.configFile} does not exist`,
    );
  }

  await options.history.backupTo(`${staging}/${BACKUP_FILES.history}`);
  files.push(await describeFile(staging, BACKUP_FILES.history));

  for (const log of await copyRecentLogs(options, staging)) {
    files.push(await describeFile(staging, log));
  }

  return {
    format: BACKUP_FORMAT,
    format_version: BACKUP_FORMAT_VERSION,
    scanner_name: options.scannerName,
    created_at: createdAt.toISOString(),
    files,
    missing,
  };
}

async function copyIfPresent(from: string, to: string): Promise<boolean> {
  try {
    await Deno.copyFile(from, to);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Copies the newest regular files of the log dir up to the byte budget. */
async function copyRecentLogs(
  options: CreateBackupOptions,
  staging: string,
): Promise<string[]> {
  const budget = options.maxLogBytes ?? 20 * 1024 * 1024;
  const candidates: { name: string; size: number; mtimeMs: number }[] = [];
  try {
    for await (const entry of Deno.readDir(options.logDir)) {
      if (!entry.isFile) continue;
      const info = await Deno.stat(`${options.logDir}/${entry.name}`);
      candidates.push({
        name: entry.name,
        size: info.size,
        mtimeMs: info.mtime?.getTime() ?? 0,
      });
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  candidates.sort((a, b) => b.mtimeMs - a.mtimeMs);

  const copied: string[] = [];
  let total = 0;
  for (const candidate of candidates) {
    if (total + candidate.size > budget) break;
    if (copied.length === 0) {
      await Deno.mkdir(`${staging}/${BACKUP_FILES.logs}`);
    }
    const path = `${BACKUP_FILES.logs}/${candidate.name}`;
    // The current log grows while it is copied: the manifest describes the
    // copy, so the checksum matches whatever was read.
    await Deno.copyFile(
      `${options.logDir}/${candidate.name}`,
      `${staging}/${path}`,
    );
    copied.push(path);
    total += candidate.size;
  }
  return copied;
}
