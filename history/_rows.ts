/**
 * Row <-> record conversion for the history tables: SQLite stores booleans
 * as 0/1 and JSON as text; the records use the domain's names and types.
 *
 * @module
 */

import type {
  AlertKind,
  StoredAlert,
  StoredAutofocus,
  StoredCalibration,
  StoredHandoff,
  StoredMaintenance,
} from "./types.ts";
import type { MaintenanceOutcome } from "./types.ts";

type Row = Record<string, unknown>;

function num(value: unknown): number {
  return Number(value);
}

function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function boolOrNull(value: unknown): boolean | null {
  return value === null || value === undefined ? null : Number(value) !== 0;
}

function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** SQLite's form of an optional boolean. */
export function toBit(value: boolean | null | undefined): number | null {
  return value === null || value === undefined ? null : value ? 1 : 0;
}

/** Undefined becomes null, which SQLite binds as NULL. */
export function orNull<T>(value: T | null | undefined): T | null {
  return value === undefined ? null : value;
}

/** A `handoffs` row as a record. */
export function handoffFromRow(row: Row): StoredHandoff {
  return {
    id: num(row.id),
    atMs: num(row.at_ms),
    zSourceUm: num(row.z_source_um),
    zTargetUm: numOrNull(row.z_target_um),
    success: num(row.success) !== 0,
    elapsedMs: num(row.elapsed_ms),
    lensSwitchMs: numOrNull(row.lens_switch_ms),
    focusMoveMs: numOrNull(row.focus_move_ms),
    focusSearchMs: numOrNull(row.focus_search_ms),
    validationMs: numOrNull(row.validation_ms),
    mappingErrorUm: numOrNull(row.mapping_error_um),
    frames: numOrNull(row.frames),
    cacheHit: boolOrNull(row.cache_hit),
    failureCause: textOrNull(row.failure_cause),
  };
}

/** An `autofocus_runs` row as a record. */
export function autofocusFromRow(row: Row): StoredAutofocus {
  return {
    id: num(row.id),
    atMs: num(row.at_ms),
    lens: String(row.lens),
    zStartUm: numOrNull(row.z_start_um),
    zBestUm: numOrNull(row.z_best_um),
    metric: numOrNull(row.metric),
    frames: numOrNull(row.frames),
    elapsedMs: num(row.elapsed_ms),
    success: num(row.success) !== 0,
    failureCause: textOrNull(row.failure_cause),
  };
}

/** A `calibrations` row as a record, with its summary parsed. */
export function calibrationFromRow(row: Row): StoredCalibration {
  const summaryText = textOrNull(row.summary_json);
  return {
    id: num(row.id),
    atMs: num(row.at_ms),
    success: num(row.success) !== 0,
    rmsErrorUm: numOrNull(row.rms_error_um),
    maxErrorUm: numOrNull(row.max_error_um),
    points: numOrNull(row.points),
    summary: summaryText === null ? null : JSON.parse(summaryText),
  };
}

/** An `alerts` row as a record. */
export function alertFromRow(row: Row): StoredAlert {
  return {
    id: num(row.id),
    kind: String(row.kind) as AlertKind,
    value: num(row.value),
    threshold: num(row.threshold),
    message: String(row.message),
    raisedAtMs: num(row.raised_at_ms),
    clearedAtMs: numOrNull(row.cleared_at_ms),
    clearedValue: numOrNull(row.cleared_value),
  };
}

/** A `maintenance_runs` row as a record. */
export function maintenanceFromRow(row: Row): StoredMaintenance {
  return {
    id: num(row.id),
    job: String(row.job),
    startedAtMs: num(row.started_at_ms),
    finishedAtMs: num(row.finished_at_ms),
    outcome: String(row.outcome) as MaintenanceOutcome,
    detail: textOrNull(row.detail),
  };
}
