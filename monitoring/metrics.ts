/**
 * Prometheus metrics for one scanner, in a registry of its own (never the
 * library's global one), so that tests and several servers in one process
 * do not share counters. `GET /metrics` serves {@linkcode ScannerMetrics.render}.
 *
 * Durations are exported in seconds, as Prometheus expects; mapping errors
 * in micrometres, the unit every other part of the product uses.
 *
 * @module
 */

import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The handoff fields the metrics take; a `HandoffRecord` fits. */
export interface HandoffObservation {
  /** Whether the handoff succeeded. */
  success: boolean;
  /** Total time. */
  elapsedMs: number;
  /** Turret switch time, when measured. */
  lensSwitchMs?: number | null;
  /** Focus move time, when measured. */
  focusMoveMs?: number | null;
  /** Focus search time, when measured. */
  focusSearchMs?: number | null;
  /** Validation time, when measured. */
  validationMs?: number | null;
  /** Mapping error, when known. */
  mappingErrorUm?: number | null;
  /** Why it failed. */
  failureCause?: string | null;
}

/** Options of {@linkcode createMetricsRegistry}. */
export interface MetricsOptions {
  /** Prefix of every metric name; default "autofocus_". */
  prefix?: string;
  /** Wall clock in epoch ms for the calibration age; default `Date.now`. */
  wallClockMs?: () => number;
  /** Labels put on every metric, e.g. `{ scanner: "Hematology Scanner #1" }`. */
  defaultLabels?: Record<string, string>;
}

/** The scanner's metrics and the typed ways to update them. */
export interface ScannerMetrics {
  /** The registry behind them, for anything the helpers do not cover. */
  readonly registry: Registry;
  /** The Content-Type header for {@linkcode ScannerMetrics.render}'s text. */
  readonly contentType: string;
  /** Counts a handoff and observes its total and phase durations. */
  observeHandoff(handoff: HandoffObservation): void;
  /** Sets the cache hit rate, 0..1. */
  setCacheHitRate(rate: number): void;
  /** Marks `state` as a device's current state (1) and its others 0. */
  setDeviceState(device: string, state: string): void;
  /** Marks these alerts active (1) and every other seen alert 0. */
  setActiveAlerts(kinds: Iterable<string>): void;
  /** When the calibration in use was made, epoch ms; null when none. */
  setCalibrationTime(atMs: number | null): void;
  /** The metrics in the Prometheus text format. */
  render(): Promise<string>;
}

/** Phase label values of the handoff duration histogram. */
export const HANDOFF_PHASES = [
  "total",
  "lens_switch",
  "focus_move",
  "focus_search",
  "validation",
] as const;

// From a 1 ms phase to a handoff well over its 300 ms budget.
const DURATION_BUCKETS_S = [
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.075,
  0.1,
  0.15,
  0.2,
  0.25,
  0.3,
  0.35,
  0.5,
  1,
  2.5,
];

/**
 * Creates a registry with the scanner's metrics.
 *
 * @param options name prefix, clock and default labels
 * @returns the registry and typed helpers
 */
export function createMetricsRegistry(
  options: MetricsOptions = {},
): ScannerMetrics {
  const prefix = options.prefix ?? "autofocus_";
  const wallClockMs = options.wallClockMs ?? Date.now;
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  const registers = [registry];

  const duration = new Histogram({
    name: `${prefix}handoff_duration_seconds`,
    help: "Handoff duration, total and per phase",
    labelNames: ["phase"],
    buckets: DURATION_BUCKETS_S,
    registers,
  });
  const handoffs = new Counter({
    name: `${prefix}handoffs_total`,
    help: "Handoffs by outcome and failure cause (cause is none on success)",
    labelNames: ["outcome", "cause"],
    registers,
  });
  const mappingError = new Gauge({
    name: `${prefix}mapping_error_um`,
    help: "Mapping error of the last handoff that measured one, micrometres",
    registers,
  });
  const cacheHitRate = new Gauge({
    name: `${prefix}cache_hit_ratio`,
    help: "Share of mapping predictions served from the cache",
    registers,
  });
  const deviceState = new Gauge({
    name: `${prefix}device_state`,
    help: "1 for each device's current state, 0 for states seen before",
    labelNames: ["device", "state"],
    registers,
  });
  const alerts = new Gauge({
    name: `${prefix}alert_active`,
    help: "1 while an alert is active, 0 once it has cleared",
    labelNames: ["alert"],
    registers,
  });
  let calibratedAtMs: number | null = null;
  new Gauge({
    name: `${prefix}calibration_age_seconds`,
    help: "Age of the calibration in use (NaN when there is none)",
    registers,
    collect() {
      this.set(
        calibratedAtMs === null ? NaN : (wallClockMs() - calibratedAtMs) / 1000,
      );
    },
  });

  const statesSeen = new Map<string, Set<string>>();
  const alertsSeen = new Set<string>();
  const phaseMs: [typeof HANDOFF_PHASES[number], keyof HandoffObservation][] = [
    ["total", "elapsedMs"],
    ["lens_switch", "lensSwitchMs"],
    ["focus_move", "focusMoveMs"],
    ["focus_search", "focusSearchMs"],
    ["validation", "validationMs"],
  ];

  return {
    registry,
    contentType: registry.contentType,
    observeHandoff(handoff) {
      for (const [phase, key] of phaseMs) {
        const valueMs = handoff[key];
        if (typeof valueMs === "number" && Number.isFinite(valueMs)) {
          duration.observe({ phase }, valueMs / 1000);
        }
      }
      handoffs.inc({
        outcome: handoff.success ? "success" : "failure",
        cause: handoff.success ? "none" : handoff.failureCause ?? "unknown",
      });
      if (typeof handoff.mappingErrorUm === "number") {
        mappingError.set(handoff.mappingErrorUm);
      }
    },
    setCacheHitRate(rate) {
      cacheHitRate.set(rate);
    },
    setDeviceState(device, state) {
      const seen = statesSeen.get(device) ?? new Set<string>();
      statesSeen.set(device, seen);
      seen.add(state);
      for (const known of seen) {
        deviceState.set({ device, state: known }, known === state ? 1 : 0);
      }
    },
    setActiveAlerts(kinds) {
      const active = new Set(kinds);
      for (const kind of active) alertsSeen.add(kind);
      for (const kind of alertsSeen) {
        alerts.set({ alert: kind }, active.has(kind) ? 1 : 0);
      }
    },
    setCalibrationTime(atMs) {
      calibratedAtMs = atMs;
    },
    render() {
      return registry.metrics();
    },
  };
}
