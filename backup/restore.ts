/**
 * Restoring a backup without ever leaving a half-restored scanner:
 *
 * 1. verify the manifest, the scanner name and every checksum, and refuse
 *    a damaged or foreign backup before touching anything;
 * 2. copy each file next to its target under a staging name and check it;
 * 3. move each original aside, then the staged file into place;
 * 4. on any failure put every original back; on success delete them.
 *
 * Restoring the history database also moves its `-wal` and `-shm` files
 * aside, since SQLite would otherwise replay the old log into the restored
 * file. A replaced configuration file is kept beside it as
 * `<file>.before-restore-<YYYYmmdd_HHMMSS>`; one identical to the backup's
 * is left alone. Which configuration may be restored, and where the data
 * goes, is the caller's choice (see `actors/lab_files.ts`). Run it with the
 * service stopped.
 *
 * @module
 */

import { BACKUP_FILES } from "./create.ts";
import { BackupError } from "./errors.ts";
import { type ManifestFile, sha256File, verifyBackup } from "./manifest.ts";
import { listBackups } from "./retention.ts";

/** Where a restore puts each file; leave one out to keep the current file. */
export interface RestoreTargets {
  /** The scanner restoring; a backup of another scanner is refused. */
  scannerName: string;
  /** Where the calibration goes. */
  calibrationFile: string;
  /** Where the configuration goes; not restored when undefined. */
  configFile?: string;
  /** Where the history database goes; not restored when undefined. */
  historyFile?: string;
}

/** Seams for tests that need a step to fail or a fixed time. */
export interface RestoreHooks {
  /** Renames a file; `Deno.rename` by default. */
  rename?: (from: string, to: string) => Promise<void>;
  /** Wall clock, for the name of a kept configuration; `new Date()`. */
  now?: () => Date;
}

/** One file of a backup and what the restore did with it. */
export interface RestoredFile {
  /** Its name in the backup, e.g. `history.sqlite`. */
  file: string;
  /** Where it went. */
  target: string;
  /** `restored`, or `unchanged` when the target already held it. */
  outcome: "restored" | "unchanged";
  /** Where the replaced file was kept (the configuration only). */
  kept: string | null;
}

/** What a restore did. */
export interface RestoreResult {
  /** The backup restored. */
  backup: string;
  /** Target paths replaced. */
  restored: string[];
  /** Each file planned, with its target and outcome. */
  files: RestoredFile[];
}

interface Step {
  file: ManifestFile;
  target: string;
  staged: string;
  /** Files moved out of the way, with where they went. */
  asides: { original: string; aside: string }[];
  /** Where the replaced target is kept after success; null: deleted. */
  keepAs: string | null;
  placed: boolean;
}

/**
 * Restores a backup into the targets.
 *
 * @param dir the backup directory
 * @param targets where each file goes and which scanner is restoring
 * @param hooks test seams
 * @returns what was restored
 * @throws {BackupError} when the backup is damaged or foreign (nothing was
 *   changed) or when a step fails (everything was put back)
 */
export async function restoreBackup(
  dir: string,
  targets: RestoreTargets,
  hooks: RestoreHooks = {},
): Promise<RestoreResult> {
  const verification = await verifyBackup(dir, {
    scannerName: targets.scannerName,
  });
  if (!verification.ok) {
    throw new BackupError(
      `Cannot restore ${dir}: the backup is damaged or not this scanner's; nothing was changed`,
      verification.problems,
    );
  }

  const rename = hooks.rename ?? Deno.rename;
  const stamp = `${Date.now()}`;
  const planned = planSteps(verification.manifest!.files, targets, stamp);
  const unchanged = await unchangedSteps(planned);
  const steps = planned.filter((step) => !unchanged.includes(step));
  const keptStamp = timeStamp((hooks.now ?? (() => new Date()))());
  for (const step of steps) {
    if (step.file.path !== BACKUP_FILES.config) continue;
    step.keepAs = await freePath(`${step.target}.before-restore-${keptStamp}`);
  }

  try {
    for (const step of steps) await stage(dir, step);
  } catch (error) {
    await removeStaged(steps);
    throw new BackupError(
      `Cannot restore ${dir}: copying the files next to their targets failed; nothing was changed`,
      [describe(error)],
      { cause: error },
    );
  }

  try {
    for (const step of steps) await commit(step, rename, stamp);
  } catch (error) {
    const leftovers = await rollBack(steps, rename);
    throw new BackupError(
      `Cannot restore ${dir}: moving the files into place failed; ${
        leftovers.length === 0
          ? "the original files are back in place"
          : "some originals could not be put back, see the problems"
      }`,
      [describe(error), ...leftovers],
      { cause: error },
    );
  }

  for (const step of steps) {
    for (const { original, aside } of step.asides) {
      if (step.keepAs !== null && original === step.target) continue;
      await Deno.remove(aside).catch(() => {});
    }
  }
  return {
    backup: dir,
    restored: steps.map((step) => step.target),
    files: planned.map((step) => ({
      file: step.file.path,
      target: step.target,
      outcome: unchanged.includes(step) ? "unchanged" : "restored",
      kept: step.asides.some(({ original }) => original === step.target)
        ? step.keepAs
        : null,
    })),
  };
}

/** Configuration steps whose target already holds the backup's copy. */
async function unchangedSteps(steps: Step[]): Promise<Step[]> {
  const unchanged: Step[] = [];
  for (const step of steps) {
    if (step.file.path !== BACKUP_FILES.config) continue;
    if (!(await exists(step.target))) continue;
    if ((await sha256File(step.target)) === step.file.sha256) {
      unchanged.push(step);
    }
  }
  return unchanged;
}

/** `YYYYmmdd_HHMMSS` in UTC. */
function timeStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace("T", "_").slice(
    0,
    15,
  );
}

/** The path, or the path with `_2`, `_3`... when it is taken. */
async function freePath(path: string): Promise<string> {
  for (let suffix = 1;; suffix++) {
    const candidate = suffix === 1 ? path : `${path}_${suffix}`;
    if (!(await exists(candidate))) return candidate;
  }
}

/**
 * The newest backup in a location that verifies for this scanner.
 *
 * @param location the backup directory
 * @param expected the scanner restoring
 * @returns its path, or undefined when there is no good backup
 */
export async function newestGoodBackup(
  location: string,
  expected: { scannerName: string },
): Promise<string | undefined> {
  for (const backup of await listBackups(location)) {
    if ((await verifyBackup(backup.path, expected)).ok) return backup.path;
  }
  return undefined;
}

function planSteps(
  files: ManifestFile[],
  targets: RestoreTargets,
  stamp: string,
): Step[] {
  const wanted: [string, string | undefined][] = [
    [BACKUP_FILES.calibration, targets.calibrationFile],
    [BACKUP_FILES.config, targets.configFile],
    [BACKUP_FILES.history, targets.historyFile],
  ];
  const steps: Step[] = [];
  for (const [name, target] of wanted) {
    const file = files.find((candidate) => candidate.path === name);
    if (!file || target === undefined) continue;
    steps.push({
      file,
      target,
      staged: `${target}.restore-${stamp}`,
      asides: [],
      keepAs: null,
      placed: false,
    });
  }
  return steps;
}

async function stage(dir: string, step: Step): Promise<void> {
  const slash = step.target.lastIndexOf("/");
  if (slash > 0) {
    await Deno.mkdir(step.target.slice(0, slash), { recursive: true });
  }
  await Deno.copyFile(`${dir}/${step.file.path}`, step.staged);
  if ((await sha256File(step.staged)) !== step.file.sha256) {
    throw new Error(`the staged copy of ${step.file.path} does not match`);
  }
}

async function commit(
  step: Step,
  rename: (from: string, to: string) => Promise<void>,
  stamp: string,
): Promise<void> {
  const companions = step.file.path === BACKUP_FILES.history
    ? [step.target, `${step.target}-wal`, `${step.target}-shm`]
    : [step.target];
  for (const original of companions) {
    if (!(await exists(original))) continue;
    const aside = original === step.target && step.keepAs !== null
      ? step.keepAs
      : `${original}.pre-restore-${stamp}`;
    await rename(original, aside);
    step.asides.push({ original, aside });
  }
  await rename(step.staged, step.target);
  step.placed = true;
}

/** Undoes committed steps, newest first; returns what it could not undo. */
async function rollBack(
  steps: Step[],
  rename: (from: string, to: string) => Promise<void>,
): Promise<string[]> {
  const leftovers: string[] = [];
  for (const step of [...steps].reverse()) {
    if (step.placed) await Deno.remove(step.target).catch(() => {});
    for (const { original, aside } of [...step.asides].reverse()) {
      try {
        await rename(aside, original);
      } catch (error) {
        leftovers.push(
          `${original} is still at ${aside}: ${
            describe(error)
          }; move it back by hand`,
        );
      }
    }
    await Deno.remove(step.staged).catch(() => {});
  }
  return leftovers;
}

async function removeStaged(steps: Step[]): Promise<void> {
  for (const step of steps) await Deno.remove(step.staged).catch(() => {});
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
