/**
 * Performance trend analysis over the history: the older and the newer
 * half of the recent handoffs are compared on time (total and per phase),
 * success rate and mapping error. The largest change that is both relative
 * and absolute enough names the trend, its primary cause and what to do.
 *
 * | change | counts when | cause | action |
 * | --- | --- | --- | --- |
 * | mapping error up | +20 % and +0.05 um | thermal drift or an ageing calibration | recalibrate, check temperature compensation |
 * | success rate down | -2 points | failures, by the most frequent device | diagnose that device |
 * | a phase slower | +15 % and +3 ms | the slowest-growing phase's part | per phase (turret wear, motor, focus search) |
 *
 * Limits: at least {@linkcode MIN_TREND_HANDOFFS} handoffs are needed; a
 * change in the lab's workload (other z ranges) can look like a trend.
 *
 * @module
 */

import type { StoredHandoff } from "../history/types.ts";

/** Fewest handoffs the analysis needs. */
export const MIN_TREND_HANDOFFS = 20;

/** Figures of one half of the window. */
export interface TrendFigures {
  /** Handoffs in this half. */
  handoffs: number;
  /** Mean total time, ms. */
  avg_handoff_time_ms: number;
  /** Mean time per phase, ms. */
  phases_ms: Record<Phase, number>;
  /** Share that succeeded. */
  success_rate: number;
  /** Mean mapping error of the successful ones, um. */
  avg_mapping_error_um: number | null;
}

/** The analysis, as `diagnose` and `/diagnostics` show it. */
export interface TrendAnalysis {
  /** Direction of performance over the window. */
  trend: "improving" | "stable" | "degrading" | "insufficient_data";
  /** The most likely reason, in words. */
  primary_cause: string;
  /** What to do, in words. */
  recommendation: string;
  /** The older half. */
  earlier: TrendFigures | null;
  /** The newer half. */
  recent: TrendFigures | null;
  /** Every change that counted, largest first. */
  changes: string[];
}

type Phase = "lens_switch" | "focus_move" | "focus_search" | "validation";

const PHASES: [Phase, keyof StoredHandoff][] = [
  ["lens_switch", "lensSwitchMs"],
  ["focus_move", "focusMoveMs"],
  ["focus_search", "focusSearchMs"],
  ["validation", "validationMs"],
];

const PHASE_ADVICE: Record<Phase, [string, string]> = {
  lens_switch: [
    "the turret switches more slowly: mechanical wear or friction",
    "Service the turret (clean and lubricate the detent), and check its switch time against hardware.lens_turret.switch_time_ms",
  ],
  focus_move: [
    "the focus motor moves more slowly",
    "Check the piezo controller's settings and the motor's load; run diagnose for the focus motor",
  ],
  focus_search: [
    "the focus search needs more frames: predictions are further off or the images are weaker",
    "Recalibrate the parfocal mapping and check the illumination level and the slide preparation",
  ],
  validation: [
    "validation takes longer: the found focus is further from the search's frames",
    "Recalibrate the parfocal mapping; if it persists, clear the mapping's learned correction (POST /calibrate/rollback)",
  ],
};

function mean(values: number[]): number | null {
  return values.length === 0
    ? null
    : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function figuresOf(handoffs: readonly StoredHandoff[]): TrendFigures {
  const phases = {} as Record<Phase, number>;
  for (const [phase, key] of PHASES) {
    phases[phase] = mean(
      handoffs.map((h) => h[key]).filter((v): v is number =>
        typeof v === "number"
      ),
    ) ?? 0;
  }
  const successes = handoffs.filter((h) => h.success);
  return {
    handoffs: handoffs.length,
    avg_handoff_time_ms: mean(handoffs.map((h) => h.elapsedMs)) ?? 0,
    phases_ms: phases,
    success_rate: successes.length / Math.max(1, handoffs.length),
    avg_mapping_error_um: mean(
      successes.map((h) => h.mappingErrorUm).filter((v): v is number =>
        v !== null
      ),
    ),
  };
}

interface Finding {
  score: number;
  worse: boolean;
  text: string;
  cause: string;
  action: string;
}

function mostFrequentCause(handoffs: readonly StoredHandoff[]): string {
  const counts = new Map<string, number>();
  for (const h of handoffs) {
    if (h.success) continue;
    const cause = h.failureCause ?? "unknown";
    counts.set(cause, (counts.get(cause) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "unknown";
}

function findings(
  earlier: TrendFigures,
  recent: TrendFigures,
  recentHandoffs: readonly StoredHandoff[],
): Finding[] {
  const found: Finding[] = [];
  const before = earlier.avg_mapping_error_um;
  const after = recent.avg_mapping_error_um;
  if (before !== null && after !== null) {
    const delta = after - before;
    if (Math.abs(delta) >= 0.05 && Math.abs(delta) >= 0.2 * before) {
      found.push({
        score: Math.abs(delta) / Math.max(before, 0.05),
        worse: delta > 0,
        text: `mean mapping error ${before.toFixed(3)} -> ${
          after.toFixed(3)
        } um`,
        cause:
          "the mapping error grows: thermal drift or an ageing calibration",
        action:
          "Recalibrate the parfocal mapping (main.ts calibrate --routine) and check that temperature compensation is on and the sensor reads true",
      });
    }
  }

  const rateDelta = recent.success_rate - earlier.success_rate;
  if (Math.abs(rateDelta) >= 0.02) {
    const device = mostFrequentCause(recentHandoffs);
    found.push({
      score: Math.abs(rateDelta) * 10,
      worse: rateDelta < 0,
      text: `success rate ${(earlier.success_rate * 100).toFixed(1)} -> ${
        (recent.success_rate * 100).toFixed(1)
      } %`,
      cause: `handoffs fail more often, most often at the ${device}`,
      action:
        `Run main.ts diagnose and check the ${device}: its connection, power and fault state`,
    });
  }

  for (const [phase] of PHASES) {
    const a = earlier.phases_ms[phase];
    const b = recent.phases_ms[phase];
    const delta = b - a;
    if (Math.abs(delta) >= 3 && Math.abs(delta) >= 0.15 * a) {
      found.push({
        score: Math.abs(delta) / Math.max(a, 1),
        worse: delta > 0,
        text: `${phase} ${a.toFixed(1)} -> ${b.toFixed(1)} ms`,
        cause: PHASE_ADVICE[phase][0],
        action: PHASE_ADVICE[phase][1],
      });
    }
  }
  return found.sort((x, y) => y.score - x.score);
}

/**
 * Analyses the trend of the given handoffs.
 *
 * @param handoffs recent handoffs, oldest first (`history.recentHandoffs`)
 * @returns the trend, its primary cause and a recommendation
 */
export function analyzeTrend(
  handoffs: readonly StoredHandoff[],
): TrendAnalysis {
  if (handoffs.length < MIN_TREND_HANDOFFS) {
    return {
      trend: "insufficient_data",
      primary_cause:
        `only ${handoffs.length} handoffs in the history; ${MIN_TREND_HANDOFFS} are needed`,
      recommendation: "Run the scanner for a while and look again",
      earlier: null,
      recent: null,
      changes: [],
    };
  }
  const half = Math.floor(handoffs.length / 2);
  const older = handoffs.slice(0, half);
  const newer = handoffs.slice(half);
  const earlier = figuresOf(older);
  const recent = figuresOf(newer);
  const found = findings(earlier, recent, newer);
  const worse = found.filter((finding) => finding.worse);
  const changes = found.map((f) =>
    `${f.worse ? "worse" : "better"}: ${f.text}`
  );

  if (worse.length > 0) {
    return {
      trend: "degrading",
      primary_cause: `${worse[0].cause} (${worse[0].text})`,
      recommendation: worse[0].action,
      earlier,
      recent,
      changes,
    };
  }
  return {
    trend: found.length > 0 ? "improving" : "stable",
    primary_cause: found.length > 0
      ? `${found[0].text}`
      : "no figure moved beyond its noise band",
    recommendation: "No action needed",
    earlier,
    recent,
    changes,
  };
}
