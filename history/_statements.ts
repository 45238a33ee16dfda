/**
 * The SQL of the history database, prepared once when it opens.
 *
 * @module
 */

const HANDOFF_COLUMNS = `at_ms, z_source_um, z_target_um, success, elapsed_ms,
  lens_switch_ms, focus_move_ms, focus_search_ms, validation_ms,
  mapping_error_um, frames, cache_hit, failure_cause`;

const SAMPLE_COLUMNS =
  "at_ms, success, elapsed_ms, cache_hit, mapping_error_um";

/** Every statement by name. */
export const STATEMENTS = {
  insertHandoff: `INSERT INTO handoffs (${HANDOFF_COLUMNS})
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertAutofocus: `INSERT INTO autofocus_runs (at_ms, lens, z_start_um,
    z_best_um, metric, frames, elapsed_ms, success, failure_cause)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertCalibration: `INSERT INTO calibrations (at_ms, success, rms_error_um,
    max_error_um, points, summary_json) VALUES (?, ?, ?, ?, ?, ?)`,
  insertAlert: `INSERT INTO alerts (kind, value, threshold, message,
    raised_at_ms) VALUES (?, ?, ?, ?, ?)`,
  clearAlert: `UPDATE alerts SET cleared_at_ms = ?, cleared_value = ?
    WHERE id = ?`,
  insertMaintenance: `INSERT INTO maintenance_runs (job, started_at_ms,
    finished_at_ms, outcome, detail) VALUES (?, ?, ?, ?, ?)`,
  samplesLast: `SELECT ${SAMPLE_COLUMNS} FROM handoffs
    ORDER BY id DESC LIMIT ?`,
  samplesBetween: `SELECT ${SAMPLE_COLUMNS} FROM handoffs
    WHERE at_ms >= ? AND at_ms <= ?`,
  recentHandoffs: "SELECT * FROM handoffs ORDER BY id DESC LIMIT ?",
  recentAutofocus: "SELECT * FROM autofocus_runs ORDER BY id DESC LIMIT ?",
  recentCalibrations: "SELECT * FROM calibrations ORDER BY id DESC LIMIT ?",
  lastGoodCalibration: `SELECT * FROM calibrations WHERE success = 1
    ORDER BY id DESC LIMIT 1`,
  activeAlertOfKind: `SELECT * FROM alerts
    WHERE kind = ? AND cleared_at_ms IS NULL ORDER BY id LIMIT 1`,
  alertById: "SELECT * FROM alerts WHERE id = ?",
  activeAlerts: "SELECT * FROM alerts WHERE cleared_at_ms IS NULL ORDER BY id",
  recentAlerts: "SELECT * FROM alerts ORDER BY id DESC LIMIT ?",
  lastMaintenance: `SELECT * FROM maintenance_runs WHERE job = ?
    ORDER BY started_at_ms DESC, id DESC LIMIT 1`,
  recentMaintenance: "SELECT * FROM maintenance_runs ORDER BY id DESC LIMIT ?",
  counts: `SELECT
    (SELECT count(*) FROM handoffs) AS handoffs,
    (SELECT count(*) FROM autofocus_runs) AS autofocus_runs,
    (SELECT count(*) FROM calibrations) AS calibrations,
    (SELECT count(*) FROM alerts) AS alerts,
    (SELECT count(*) FROM maintenance_runs) AS maintenance_runs`,
} as const;

/**
 * One bounded delete per table; each takes (cutoff epoch ms, batch size).
 * Deleting by the oldest ids keeps every step an index range scan.
 */
export const PRUNE_STATEMENTS: readonly string[] = [
  `DELETE FROM handoffs WHERE id IN (SELECT id FROM handoffs
    WHERE at_ms < ? ORDER BY at_ms LIMIT ?)`,
  `DELETE FROM autofocus_runs WHERE id IN (SELECT id FROM autofocus_runs
    WHERE at_ms < ? ORDER BY at_ms LIMIT ?)`,
  `DELETE FROM calibrations WHERE id IN (SELECT id FROM calibrations
    WHERE at_ms < ?1 AND id IS NOT (SELECT max(id) FROM calibrations
    WHERE success = 1) ORDER BY at_ms LIMIT ?2)`,
  `DELETE FROM alerts WHERE id IN (SELECT id FROM alerts
    WHERE cleared_at_ms IS NOT NULL AND cleared_at_ms < ?
    ORDER BY cleared_at_ms LIMIT ?)`,
  `DELETE FROM maintenance_runs WHERE id IN (SELECT id FROM maintenance_runs
    WHERE started_at_ms < ?1 AND id NOT IN (SELECT max(id)
    FROM maintenance_runs GROUP BY job) ORDER BY started_at_ms LIMIT ?2)`,
];
