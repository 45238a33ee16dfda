/**
 * Listing backups and removing old ones: by age first, then by count,
 * oldest first. A backup's time is the one in its name (UTC), so that a
 * copied or touched directory keeps its age.
 *
 * @module
 */

/** What to keep (`maintenance.backup.retention_days` and a count). */
export interface BackupRetention {
  /** Backups older than this many days are removed. */
  days: number;
  /** At most this many backups are kept. */
  maxCount: number;
}

/** One backup directory found in the backup location. */
export interface BackupEntry {
  /** Directory name. */
  name: string;
  /** Full path. */
  path: string;
  /** When it was made, from its name. */
  createdAt: Date;
}

const NAME = /^backup_(\d{4})(\d\d)(\d\d)_(\d\d)(\d\d)(\d\d)(?:_(\d+))?$/;
/** A staging folder: `.backup_<time>.<random>.partial` (older builds: no random). */
const PARTIAL = /^\.(backup_\d{8}_\d{6}(?:_\d+)?)(?:\.[0-9a-f]+)?\.partial$/;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A partial backup older than this is a leftover of a crash. */
const STALE_PARTIAL_MS = 60 * 60 * 1000;

/**
 * The time in a backup name, or null when the name is not a backup's.
 *
 * @param name a directory name such as `backup_20250301_020000`
 */
export function parseBackupName(name: string): Date | null {
  const match = NAME.exec(name);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(
    Number,
  );
  const date = new Date(
    Date.UTC(year, month - 1, day, hour, minute, second),
  );
  return Number.isNaN(date.getTime()) ? null : date;
}

function suffixOf(name: string): number {
  return Number(NAME.exec(name)?.[7] ?? 1);
}

/**
 * Every finished backup in a location, newest first.
 *
 * @param location the backup directory
 * @returns the backups; empty when the location does not exist
 */
export async function listBackups(location: string): Promise<BackupEntry[]> {
  const entries: BackupEntry[] = [];
  try {
    for await (const entry of Deno.readDir(location)) {
      if (!entry.isDirectory) continue;
      const createdAt = parseBackupName(entry.name);
      if (createdAt) {
        entries.push({
          name: entry.name,
          path: `${location}/${entry.name}`,
          createdAt,
        });
      }
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return entries.sort((a, b) =>
    b.createdAt.getTime() - a.createdAt.getTime() ||
    suffixOf(b.name) - suffixOf(a.name)
  );
}

/**
 * Removes backups older than `days` and any beyond the newest `maxCount`,
 * and partial backups left by a crash. The backup named `keep` stays.
 *
 * @param location the backup directory
 * @param retention age and count limits
 * @param now the current time
 * @param keep a backup never to remove (the one just made)
 * @returns the paths removed
 */
export async function applyRetention(
  location: string,
  retention: BackupRetention,
  now: Date,
  keep?: string,
): Promise<string[]> {
  const removed: string[] = [];
  const cutoffMs = now.getTime() - retention.days * DAY_MS;
  let kept = 0;
  for (const backup of await listBackups(location)) {
    const tooOld = backup.createdAt.getTime() < cutoffMs;
    const tooMany = kept >= Math.max(1, retention.maxCount);
    if (backup.name !== keep && (tooOld || tooMany)) {
      if (await removeIfPresent(backup.path)) removed.push(backup.path);
    } else {
      kept++;
    }
  }

  for (const name of await partialNames(location)) {
    const startedAt = parseBackupName(PARTIAL.exec(name)![1]);
    if (startedAt && now.getTime() - startedAt.getTime() > STALE_PARTIAL_MS) {
      const path = `${location}/${name}`;
      if (await removeIfPresent(path)) removed.push(path);
    }
  }
  return removed;
}

async function partialNames(location: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(location)) {
      if (entry.isDirectory && PARTIAL.test(entry.name)) names.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names;
}

/** Removes a folder; false when another run removed it first. */
async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await Deno.remove(path, { recursive: true });
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
