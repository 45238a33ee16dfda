import type { PerformanceStats } from "../../history/types.ts";

/** A performance window with good values, overridden where a test needs. */
export function windowStats(
  overrides: Partial<PerformanceStats> = {},
): PerformanceStats {
  return {
    count: 100,
    successCount: 100,
    successRate: 1,
    avgHandoffMs: 150,
    p50HandoffMs: 150,
    p95HandoffMs: 200,
    cacheHitRate: 0.5,
    avgMappingErrorUm: 0.2,
    maxMappingErrorUm: 0.4,
    firstAtMs: 0,
    lastAtMs: 1000,
    ...overrides,
  };
}
