/**
 * The health score: 100 for a scanner meeting its budgets, less a listed
 * deduction for each ingredient that falls short. The ingredients follow
 * the deployment guide; the mapping-error term is ours:
 *
 * | ingredient | rule | points |
 * | --- | --- | --- |
 * | mean handoff time | above the 300 ms budget | -(t - 300) / 10, at most -20 |
 * | success rate | below 0.99 | -100 x (0.99 - rate) |
 * | cache hit rate | above 0.7 / below 0.3 | +5 / -10 |
 * | mean mapping error | above half the 1.0 um budget (about lens B's depth of field) | -20 x (e - 0.5) / 1.0, at most -20 |
 *
 * So a mean error at the budget costs 10 points and 1.5 um costs 20. The
 * score is clamped to 0..100 and rounded to 0.1; an ingredient the window
 * cannot give (no handoffs yet) is left out rather than guessed.
 *
 * @module
 */

import type { PerformanceStats } from "../history/types.ts";

/** One line of the explanation; negative points are a bonus. */
export interface HealthDeduction {
  /** What cost (or earned) the points, with the value. */
  reason: string;
  /** Points taken off the score. */
  points: number;
}

/** A score with its explanation. */
export interface HealthScore {
  /** 0..100. */
  score: number;
  /** Every deduction or bonus applied, in the table's order. */
  deductions: HealthDeduction[];
}

/** Budgets the score measures against. */
export interface HealthBudgets {
  /** Handoff time budget; default 300 ms (performance.max_handoff_time_ms). */
  handoffBudgetMs?: number;
  /** Mapping error budget; default 1.0 um (performance.max_mapping_error_um). */
  mappingBudgetUm?: number;
}

/** Success rate below which points are lost. */
export const SUCCESS_RATE_TARGET = 0.99;
/** Most points that handoff time, or mapping error, can cost. */
export const MAX_TERM_DEDUCTION = 20;

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * Scores performance statistics from 0 to 100 and says why.
 *
 * @param stats a performance window
 * @param budgets the time and mapping budgets; defaults as the guide's
 * @returns the score and each deduction
 */
export function healthScore(
  stats: PerformanceStats,
  budgets: HealthBudgets = {},
): HealthScore {
  const budgetMs = budgets.handoffBudgetMs ?? 300;
  const budgetUm = budgets.mappingBudgetUm ?? 1.0;
  const deductions: HealthDeduction[] = [];

  const timeMs = stats.avgHandoffMs;
  if (timeMs !== null && timeMs > budgetMs) {
    deductions.push({
      reason: `mean handoff time ${
        timeMs.toFixed(1)
      } ms is over the ${budgetMs} ms budget`,
      points: Math.min(MAX_TERM_DEDUCTION, (timeMs - budgetMs) / 10),
    });
  }

  const rate = stats.successRate;
  if (rate !== null && rate < SUCCESS_RATE_TARGET) {
    deductions.push({
      reason: `success rate ${(rate * 100).toFixed(1)} % is below ${
        SUCCESS_RATE_TARGET * 100
      } %`,
      points: (SUCCESS_RATE_TARGET - rate) * 100,
    });
  }

  const hits = stats.cacheHitRate;
  if (hits !== null && hits > 0.7) {
    deductions.push({
      reason: `cache hit rate ${(hits * 100).toFixed(0)} % is above 70 %`,
      points: -5,
    });
  } else if (hits !== null && hits < 0.3) {
    deductions.push({
      reason: `cache hit rate ${(hits * 100).toFixed(0)} % is below 30 %`,
      points: 10,
    });
  }

  const errorUm = stats.avgMappingErrorUm;
  const errorFloorUm = budgetUm / 2;
  if (errorUm !== null && errorUm > errorFloorUm) {
    deductions.push({
      reason: `mean mapping error ${
        errorUm.toFixed(2)
      } um is over ${errorFloorUm} um (half the ${budgetUm} um budget)`,
      points: Math.min(
        MAX_TERM_DEDUCTION,
        (MAX_TERM_DEDUCTION * (errorUm - errorFloorUm)) / budgetUm,
      ),
    });
  }

  const rounded = deductions.map((d) => ({ ...d, points: round1(d.points) }));
  const total = deductions.reduce((sum, d) => sum + d.points, 0);
  return {
    score: round1(Math.min(100, Math.max(0, 100 - total))),
    deductions: rounded,
  };
}
