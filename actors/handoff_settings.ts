/**
 * How handoffs and searches run, derived from configuration.
 *
 * @module
 */

import type { Config } from "../config/schema.ts";
import type { LensId } from "../domain/lens.ts";
import type { FocusMetricName, SearchStrategyName } from "../focus/types.ts";
import { defaultMetricFor } from "../focus/metrics/mod.ts";

/** The knobs of a handoff's fine search. */
export interface HandoffSettings {
  /** Search strategy, from `system.optimization_level`. */
  strategy: SearchStrategyName;
  /** Metric per lens. */
  metric: Record<LensId, FocusMetricName>;
  /** Switch the turret and move focus together. */
  concurrent: boolean;
  /** Frame budget of the fine search. */
  maxFrames: number;
}

const STRATEGY_OF_LEVEL: Record<
  Config["system"]["optimization_level"],
  SearchStrategyName
> = { STANDARD: "standard", FAST: "fast", ULTRA_FAST: "ultra_fast" };

/** Frame budgets: each strategy gets what it needs and a little more. */
const MAX_FRAMES_OF_STRATEGY: Record<SearchStrategyName, number> = {
  standard: 40,
  fast: 20,
  ultra_fast: 8,
};

/**
 * Handoff settings of a configuration.
 *
 * @param config a validated configuration
 */
export function handoffSettings(config: Config): HandoffSettings {
  const strategy = STRATEGY_OF_LEVEL[config.system.optimization_level];
  return {
    strategy,
    metric: { A: defaultMetricFor("A"), B: defaultMetricFor("B") },
    concurrent: config.performance.enable_concurrent_operations,
    maxFrames: MAX_FRAMES_OF_STRATEGY[strategy],
  };
}
