/**
 * The history schema as an ordered list of migrations. A database records
 * the highest version applied in `schema_version`; opening it applies the
 * rest in order, each in its own transaction. Append new migrations; never
 * edit one that has shipped.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";

/** One schema step. */
export interface Migration {
  /** 1, 2, 3... with no gaps. */
  version: number;
  /** What it changes, for the log. */
  description: string;
  /** SQL run as one script. */
  sql: string;
}

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "handoffs, autofocus runs, calibrations, alerts, maintenance",
    sql: `
      CREATE TABLE handoffs (
        id INTEGER PRIMARY KEY,
        at_ms INTEGER NOT NULL,
        z_source_um REAL NOT NULL,
        z_target_um REAL,
        success INTEGER NOT NULL,
        elapsed_ms REAL NOT NULL,
        lens_switch_ms REAL,
        focus_move_ms REAL,
        focus_search_ms REAL,
        validation_ms REAL,
        mapping_error_um REAL,
        frames INTEGER,
        cache_hit INTEGER,
        failure_cause TEXT
      );
      CREATE INDEX handoffs_at ON handoffs (at_ms);
      CREATE TABLE autofocus_runs (
        id INTEGER PRIMARY KEY,
        at_ms INTEGER NOT NULL,
        lens TEXT NOT NULL,
        z_start_um REAL,
        z_best_um REAL,
        metric REAL,
        frames INTEGER,
        elapsed_ms REAL NOT NULL,
        success INTEGER NOT NULL,
        failure_cause TEXT
      );
      CREATE INDEX autofocus_runs_at ON autofocus_runs (at_ms);
      CREATE TABLE calibrations (
        id INTEGER PRIMARY KEY,
        at_ms INTEGER NOT NULL,
        success INTEGER NOT NULL,
        rms_error_um REAL,
        max_error_um REAL,
        points INTEGER,
        summary_json TEXT
      );
      CREATE INDEX calibrations_at ON calibrations (at_ms);
      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        value REAL NOT NULL,
        threshold REAL NOT NULL,
        message TEXT NOT NULL,
        raised_at_ms INTEGER NOT NULL,
        cleared_at_ms INTEGER,
        cleared_value REAL
      );
      CREATE INDEX alerts_raised_at ON alerts (raised_at_ms);
      CREATE INDEX alerts_active ON alerts (kind) WHERE cleared_at_ms IS NULL;
      CREATE TABLE maintenance_runs (
        id INTEGER PRIMARY KEY,
        job TEXT NOT NULL,
        started_at_ms INTEGER NOT NULL,
        finished_at_ms INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT
      );
      CREATE INDEX maintenance_runs_job ON maintenance_runs (job, started_at_ms);
    `,
  },
];

/**
 * The highest schema version applied to a database, without changing it.
 *
 * @param db an open database
 * @returns the version; 0 for a new, empty database
 * @throws {Error} when SQLite cannot read the file (damaged, not a database)
 */
export function schemaVersion(db: DatabaseSync): number {
  const table = db.prepare(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
  ).get();
  if (!table) return 0;
  const row = db.prepare("SELECT max(version) AS v FROM schema_version").get();
  return Number(row?.v ?? 0);
}

/**
 * Brings a database up to the newest schema.
 *
 * @param db an open database
 * @param migrations the list to apply, default {@linkcode MIGRATIONS}
 * @returns the versions applied now, empty when it was up to date
 * @throws {Error} when the database is newer than this build knows
 */
export function migrate(
  db: DatabaseSync,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
  );
  const current = schemaVersion(db);
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(
      `Cannot open the history database: its schema version is ${current} but this build knows up to ${newest}; run the newer build or restore a backup made by this one`,
    );
  }

  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(migration.sql);
      db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(
        migration.version,
      );
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw new Error(
        `Cannot migrate the history database to version ${migration.version} (${migration.description}): ${
          error instanceof Error ? error.message : String(error)
        }`,
        { cause: error },
      );
    }
    applied.push(migration.version);
  }
  return applied;
}
