/**
 * What the history database records and what its queries return. Times are
 * wall-clock epoch milliseconds (`atMs`), so records stay meaningful across
 * restarts; durations are milliseconds and distances micrometres.
 *
 * @module
 */

/** One A->B handoff, as the handoff machine reports it. */
export interface HandoffRecord {
  /** When the handoff finished, epoch ms; default: now. */
  atMs?: number;
  /** Lens-A focus the handoff started from. */
  zSourceUm: number;
  /** Lens-B focus it ended at; null when it failed before moving. */
  zTargetUm: number | null;
  /** Whether the final frame passed validation. */
  success: boolean;
  /** Total time of the handoff. */
  elapsedMs: number;
  /** Turret switch time. */
  lensSwitchMs?: number | null;
  /** Focus move to the prediction. */
  focusMoveMs?: number | null;
  /** Image-based refinement around the prediction. */
  focusSearchMs?: number | null;
  /** Validation of the final frame. */
  validationMs?: number | null;
  /** |prediction - refined focus|; null when unknown. */
  mappingErrorUm?: number | null;
  /** Frames grabbed during the handoff. */
  frames?: number | null;
  /** Whether the prediction came from the mapping cache. */
  cacheHit?: boolean | null;
  /** Why it failed (a short machine-readable cause); null on success. */
  failureCause?: string | null;
}

/** A stored handoff: the record with its id and time filled in. */
export interface StoredHandoff extends Required<HandoffRecord> {
  /** Row id, increasing in insertion order. */
  id: number;
}

/** One autofocus run on either lens. */
export interface AutofocusRecord {
  /** When it finished, epoch ms; default: now. */
  atMs?: number;
  /** "A" or "B". */
  lens: string;
  /** Where the search started. */
  zStartUm?: number | null;
  /** The best focus found; null on failure. */
  zBestUm: number | null;
  /** Focus metric at the best z, when known. */
  metric?: number | null;
  /** Frames grabbed. */
  frames?: number | null;
  /** Total time. */
  elapsedMs: number;
  /** Whether it found a focus. */
  success: boolean;
  /** Why it failed; null on success. */
  failureCause?: string | null;
}

/** A stored autofocus run. */
export interface StoredAutofocus extends Required<AutofocusRecord> {
  /** Row id. */
  id: number;
}

/** One calibration of the parfocal mapping. */
export interface CalibrationRecord {
  /** When it finished, epoch ms; default: now. */
  atMs?: number;
  /** Whether it produced a usable mapping. */
  success: boolean;
  /** RMS fit error, when it got that far. */
  rmsErrorUm?: number | null;
  /** Largest fit error. */
  maxErrorUm?: number | null;
  /** Calibration points used. */
  points?: number | null;
  /** Anything else worth keeping (model coefficients, temperature...). */
  summary?: unknown;
}

/** A stored calibration; `summary` is the parsed JSON. */
export interface StoredCalibration extends Required<CalibrationRecord> {
  /** Row id. */
  id: number;
}

/** The alert kinds the monitor raises. */
export type AlertKind = "handoff_time" | "mapping_error" | "success_rate";

/** An alert as raised. */
export interface AlertRaise {
  /** Which threshold. */
  kind: AlertKind;
  /** The value that crossed it. */
  value: number;
  /** The configured threshold. */
  threshold: number;
  /** A sentence for the operator. */
  message: string;
  /** When, epoch ms; default: now. */
  atMs?: number;
}

/** A stored alert; `clearedAtMs` is null while it is active. */
export interface StoredAlert {
  /** Row id. */
  id: number;
  /** Which threshold. */
  kind: AlertKind;
  /** The value that crossed it. */
  value: number;
  /** The configured threshold. */
  threshold: number;
  /** A sentence for the operator. */
  message: string;
  /** When it was raised, epoch ms. */
  raisedAtMs: number;
  /** When it cleared, epoch ms; null while active. */
  clearedAtMs: number | null;
  /** The value when it cleared; null while active. */
  clearedValue: number | null;
}

/** How a maintenance job ended. */
export type MaintenanceOutcome = "ok" | "failed" | "skipped";

/** One maintenance job run. */
export interface MaintenanceRecord {
  /** Job name, e.g. "daily_health_check", "backup". */
  job: string;
  /** Start, epoch ms. */
  startedAtMs: number;
  /** End, epoch ms. */
  finishedAtMs: number;
  /** How it ended. */
  outcome: MaintenanceOutcome;
  /** Free text or JSON for the operator. */
  detail?: string | null;
}

/** A stored maintenance run. */
export interface StoredMaintenance extends Required<MaintenanceRecord> {
  /** Row id. */
  id: number;
}

/** Which handoffs a performance query covers. */
export type PerformanceWindow =
  | { lastHandoffs: number }
  | { sinceMs: number; untilMs?: number };

/**
 * Handoff performance over a window. Every average or rate is null when the
 * window holds nothing it applies to, so "no data" never looks like "0 ms".
 */
export interface PerformanceStats {
  /** Handoffs in the window. */
  count: number;
  /** Successful ones. */
  successCount: number;
  /** successCount / count. */
  successRate: number | null;
  /** Mean total handoff time. */
  avgHandoffMs: number | null;
  /** Median handoff time (linear interpolation between ranks). */
  p50HandoffMs: number | null;
  /** 95th percentile handoff time. */
  p95HandoffMs: number | null;
  /** Cache hits over handoffs that report hit or miss. */
  cacheHitRate: number | null;
  /** Mean mapping error over handoffs that report one. */
  avgMappingErrorUm: number | null;
  /** Largest mapping error in the window. */
  maxMappingErrorUm: number | null;
  /** Oldest handoff time in the window, epoch ms. */
  firstAtMs: number | null;
  /** Newest handoff time in the window, epoch ms. */
  lastAtMs: number | null;
}

/** What one {@linkcode History.pruneStep} call removed. */
export interface PruneResult {
  /** Rows deleted in this step. */
  deleted: number;
  /** True when nothing older than the retention is left. */
  done: boolean;
}
