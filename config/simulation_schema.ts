/**
 * Schema of the `simulation:` section: the simulated scanner's world.
 * Only read when a device's driver is `simulated`.
 *
 * @module
 */

import { z } from "zod";

/** Parameters of the simulated slide, optics and environment. */
export const simulationSchema = z.strictObject({
  /** Seed of every random draw, so a run can be repeated exactly. */
  seed: z.number().int().nonnegative().default(1),
  /** Temperature at start, degrees C. */
  ambient_temperature_c: z.number().min(-20).max(60).default(22),
  /** Slow thermal drift, degrees C per hour (sign gives direction). */
  temperature_drift_c_per_hour: z.number().default(0.5),
});

/** Parsed `simulation:` section. */
export type SimulationConfig = z.infer<typeof simulationSchema>;
