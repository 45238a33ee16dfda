/**
 * The history database: every handoff, autofocus run, calibration, alert and
 * maintenance run, in embedded SQLite (`node:sqlite`) so that statistics and
 * alerts survive restarts.
 *
 * Write-ahead logging lets a backup read while handoffs are written; each
 * record is one short transaction; pruning removes old rows in small batches
 * that the maintenance scheduler calls one at a time, so a handoff never
 * waits behind a long delete.
 *
 * Limits: one process owns the file (SQLite's busy timeout covers a CLI
 * backup reading at the same time); the calls are synchronous and take
 * tens of microseconds, so they run on the caller's thread.
 *
 * @module
 */

import { backup, DatabaseSync, type StatementSync } from "node:sqlite";
import { HistoryFileError, historyFileError } from "./errors.ts";
import { migrate, MIGRATIONS, schemaVersion } from "./migrations.ts";
import { summarizeHandoffs } from "./summary.ts";
import {
  alertFromRow,
  autofocusFromRow,
  calibrationFromRow,
  handoffFromRow,
  maintenanceFromRow,
  orNull,
  toBit,
} from "./_rows.ts";
import type {
  AlertKind,
  AlertRaise,
  AutofocusRecord,
  CalibrationRecord,
  HandoffRecord,
  MaintenanceRecord,
  PerformanceStats,
  PerformanceWindow,
  PruneResult,
  StoredAlert,
  StoredAutofocus,
  StoredCalibration,
  StoredHandoff,
  StoredMaintenance,
} from "./types.ts";
import { PRUNE_STATEMENTS, STATEMENTS } from "./_statements.ts";

export { HistoryFileError } from "./errors.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Options of {@linkcode openHistory}. */
export interface HistoryOptions {
  /** Rows older than this many days are pruned; default 90. */
  retentionDays?: number;
  /**
   * Wall clock in epoch milliseconds; default `Date.now`. Not a
   * `Clock.now()`, which only measures differences.
   */
  wallClockMs?: () => number;
  /** Rows per table per {@linkcode History.pruneStep}; default 500. */
  pruneBatchSize?: number;
}

/** Sizes of the database files. */
export interface HistorySize {
  /** The main database file. */
  databaseBytes: number;
  /** The write-ahead log, not yet checkpointed. */
  walBytes: number;
}

/**
 * Opens (creating and migrating as needed) a history database.
 *
 * @param path the database file, or ":memory:" for tests
 * @param options retention and clock
 * @returns the open history; call `close()` when done
 * @throws {HistoryFileError} when the file is damaged, not a database, from
 *   a newer build, or may not be opened; the message says what to do
 */
export function openHistory(path: string, options?: HistoryOptions): History {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (error) {
    throw historyFileError(path, error);
  }
  try {
    db.exec("PRAGMA journal_mode = WAL");
    // NORMAL in WAL mode survives a crash of the process; a power cut may
    // lose the last few handoffs, which is an acceptable price for speed.
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("PRAGMA foreign_keys = ON");
    refuseNewerSchema(db, path);
    migrate(db);
    return new History(db, path, options ?? {});
  } catch (error) {
    db.close();
    throw historyFileError(path, error);
  }
}

function refuseNewerSchema(db: DatabaseSync, path: string): void {
  const version = schemaVersion(db);
  const newest = MIGRATIONS.at(-1)?.version ?? 0;
  if (version <= newest) return;
  throw new HistoryFileError(
    path,
    "newer_schema",
    `Cannot open the history database ${path}: its schema version is ${version} but this build knows up to ${newest}; run the newer build, restore a backup made by this one ('main.ts restore BACKUP --config FILE'), or move the file aside to start a new history`,
  );
}

/** An open history database. Create it with {@linkcode openHistory}. */
export class History {
  readonly #db: DatabaseSync;
  readonly #statements: Record<keyof typeof STATEMENTS, StatementSync>;
  readonly #prune: StatementSync[];
  readonly #retentionMs: number;
  readonly #nowMs: () => number;
  readonly #batchSize: number;
  #open = true;

  /** The database file. */
  readonly path: string;

  /** @internal use {@linkcode openHistory} */
  constructor(db: DatabaseSync, path: string, options: HistoryOptions) {
    this.#db = db;
    this.path = path;
    this.#retentionMs = (options.retentionDays ?? 90) * DAY_MS;
    this.#nowMs = options.wallClockMs ?? Date.now;
    this.#batchSize = options.pruneBatchSize ?? 500;
    const prepared: Partial<Record<keyof typeof STATEMENTS, StatementSync>> =
      {};
    for (const [name, sql] of Object.entries(STATEMENTS)) {
      prepared[name as keyof typeof STATEMENTS] = db.prepare(sql);
    }
    this.#statements = prepared as Record<
      keyof typeof STATEMENTS,
      StatementSync
    >;
    this.#prune = PRUNE_STATEMENTS.map((sql) => db.prepare(sql));
  }

  /**
   * Records one handoff.
   *
   * @returns the row id
   */
  recordHandoff(record: HandoffRecord): number {
    const result = this.#statements.insertHandoff.run(
      record.atMs ?? this.#nowMs(),
      record.zSourceUm,
      record.zTargetUm,
      toBit(record.success),
      record.elapsedMs,
      orNull(record.lensSwitchMs),
      orNull(record.focusMoveMs),
      orNull(record.focusSearchMs),
      orNull(record.validationMs),
      orNull(record.mappingErrorUm),
      orNull(record.frames),
      toBit(record.cacheHit),
      orNull(record.failureCause),
    );
    return Number(result.lastInsertRowid);
  }

  /**
   * Records one autofocus run.
   *
   * @returns the row id
   */
  recordAutofocus(record: AutofocusRecord): number {
    const result = this.#statements.insertAutofocus.run(
      record.atMs ?? this.#nowMs(),
      record.lens,
      orNull(record.zStartUm),
      record.zBestUm,
      orNull(record.metric),
      orNull(record.frames),
      record.elapsedMs,
      toBit(record.success),
      orNull(record.failureCause),
    );
    return Number(result.lastInsertRowid);
  }

  /**
   * Records one calibration; `summary` is stored as JSON.
   *
   * @returns the row id
   */
  recordCalibration(record: CalibrationRecord): number {
    const result = this.#statements.insertCalibration.run(
      record.atMs ?? this.#nowMs(),
      toBit(record.success),
      orNull(record.rmsErrorUm),
      orNull(record.maxErrorUm),
      orNull(record.points),
      record.summary === undefined ? null : JSON.stringify(record.summary),
    );
    return Number(result.lastInsertRowid);
  }

  /**
   * Records a raised alert. Raising a kind that is already active changes
   * nothing, so a restarted monitor cannot duplicate an alert.
   *
   * @returns the active alert of that kind
   */
  raiseAlert(alert: AlertRaise): StoredAlert {
    const active = this.#statements.activeAlertOfKind.get(alert.kind);
    if (active) return alertFromRow(active);
    const result = this.#statements.insertAlert.run(
      alert.kind,
      alert.value,
      alert.threshold,
      alert.message,
      alert.atMs ?? this.#nowMs(),
    );
    return alertFromRow(
      this.#statements.alertById.get(Number(result.lastInsertRowid))!,
    );
  }

  /**
   * Clears the active alert of a kind.
   *
   * @param kind which alert
   * @param value the value that cleared it
   * @param atMs when, epoch ms; default now
   * @returns the cleared alert, or undefined when none was active
   */
  clearAlert(
    kind: AlertKind,
    value: number,
    atMs?: number,
  ): StoredAlert | undefined {
    const active = this.#statements.activeAlertOfKind.get(kind);
    if (!active) return undefined;
    this.#statements.clearAlert.run(atMs ?? this.#nowMs(), value, active.id);
    return alertFromRow(this.#statements.alertById.get(active.id)!);
  }

  /**
   * Records one maintenance run.
   *
   * @returns the row id
   */
  recordMaintenance(record: MaintenanceRecord): number {
    const result = this.#statements.insertMaintenance.run(
      record.job,
      record.startedAtMs,
      record.finishedAtMs,
      record.outcome,
      orNull(record.detail),
    );
    return Number(result.lastInsertRowid);
  }

  /**
   * Handoff performance over the last N handoffs or a time window.
   *
   * @param window `{ lastHandoffs }` or `{ sinceMs, untilMs? }` (epoch ms)
   * @returns statistics; averages and rates are null over an empty window
   */
  performance(window: PerformanceWindow): PerformanceStats {
    const rows = "lastHandoffs" in window
      ? this.#statements.samplesLast.all(Math.max(0, window.lastHandoffs))
      : this.#statements.samplesBetween.all(
        window.sinceMs,
        window.untilMs ?? Number.MAX_SAFE_INTEGER,
      );
    return summarizeHandoffs(rows.map((row) => ({
      atMs: Number(row.at_ms),
      success: Number(row.success) !== 0,
      elapsedMs: Number(row.elapsed_ms),
      cacheHit: row.cache_hit === null ? null : Number(row.cache_hit) !== 0,
      mappingErrorUm: row.mapping_error_um === null
        ? null
        : Number(row.mapping_error_um),
    })));
  }

  /**
   * The newest handoffs, oldest first, for a trend chart.
   *
   * @param limit how many
   */
  recentHandoffs(limit: number): StoredHandoff[] {
    return this.#statements.recentHandoffs.all(limit).map(handoffFromRow)
      .reverse();
  }

  /**
   * The newest autofocus runs, oldest first.
   *
   * @param limit how many
   */
  recentAutofocusRuns(limit: number): StoredAutofocus[] {
    return this.#statements.recentAutofocus.all(limit).map(autofocusFromRow)
      .reverse();
  }

  /**
   * The newest calibrations, oldest first.
   *
   * @param limit how many
   */
  recentCalibrations(limit: number): StoredCalibration[] {
    return this.#statements.recentCalibrations.all(limit)
      .map(calibrationFromRow).reverse();
  }

  /** The newest successful calibration, for its age and accuracy. */
  lastSuccessfulCalibration(): StoredCalibration | undefined {
    const row = this.#statements.lastGoodCalibration.get();
    return row ? calibrationFromRow(row) : undefined;
  }

  /** Alerts that have not cleared, oldest first. */
  activeAlerts(): StoredAlert[] {
    return this.#statements.activeAlerts.all().map(alertFromRow);
  }

  /**
   * The newest alerts, active or cleared, oldest first.
   *
   * @param limit how many
   */
  recentAlerts(limit: number): StoredAlert[] {
    return this.#statements.recentAlerts.all(limit).map(alertFromRow)
      .reverse();
  }

  /**
   * The newest run of a maintenance job, to find a job missed while down.
   *
   * @param job the job name
   */
  lastMaintenanceRun(job: string): StoredMaintenance | undefined {
    const row = this.#statements.lastMaintenance.get(job);
    return row ? maintenanceFromRow(row) : undefined;
  }

  /**
   * The newest maintenance runs of every job, oldest first.
   *
   * @param limit how many
   */
  recentMaintenanceRuns(limit: number): StoredMaintenance[] {
    return this.#statements.recentMaintenance.all(limit)
      .map(maintenanceFromRow).reverse();
  }

  /**
   * Deletes one small batch of rows older than the retention from each
   * table. Keeps active alerts, the newest successful calibration and the
   * newest run of each maintenance job whatever their age.
   *
   * @returns rows deleted and whether anything old is left
   */
  pruneStep(): PruneResult {
    const cutoffMs = this.#nowMs() - this.#retentionMs;
    let deleted = 0;
    let done = true;
    for (const statement of this.#prune) {
      const changes = Number(
        statement.run(cutoffMs, this.#batchSize).changes,
      );
      deleted += changes;
      if (changes >= this.#batchSize) done = false;
    }
    return { deleted, done };
  }

  /**
   * Writes a consistent copy of the database while it stays in use, a few
   * hundred pages at a time.
   *
   * @param path the copy's file; it is replaced if it exists
   * @throws {Error} when the copy cannot be written
   */
  async backupTo(path: string): Promise<void> {
    await backup(this.#db, path, { rate: 256 });
  }

  /** Sizes of the database and its write-ahead log. */
  size(): HistorySize {
    const fileSize = (name: string) => {
      try {
        return Deno.statSync(name).size;
      } catch {
        return 0;
      }
    };
    return {
      databaseBytes: fileSize(this.path),
      walBytes: fileSize(`${this.path}-wal`),
    };
  }

  /** Row counts per table, for diagnostics. */
  counts(): Record<string, number> {
    const row = this.#statements.counts.get()!;
    return Object.fromEntries(
      Object.entries(row).map(([name, value]) => [name, Number(value)]),
    );
  }

  /**
   * Checks every page and record of the file (SQLite's quick check); reads
   * the whole database, so it is for diagnostics, not the handoff path.
   *
   * @param limit most problems reported
   * @returns what SQLite found wrong, empty when the file is sound
   * @throws {HistoryFileError} when the file is too damaged to check
   */
  integrityProblems(limit = 10): string[] {
    try {
      const rows = this.#db.prepare(
        `PRAGMA quick_check(${Math.max(1, Math.trunc(limit))})`,
      ).all();
      const found = rows
        .flatMap((row) => String(Object.values(row)[0]).split("\n"))
        .filter((line) => line !== "ok" && !line.startsWith("***"));
      return found.slice(0, limit);
    } catch (error) {
      throw historyFileError(this.path, error);
    }
  }

  /** Closes the database; later calls throw. Closing twice is harmless. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#db.close();
  }
}
