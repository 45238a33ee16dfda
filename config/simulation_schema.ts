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
  /** Slow drift of the slide's focal surface, um per hour (signed). */
  focus_drift_um_per_hour: z.number().default(0.3),
  /**
   * Width of a simulated frame in pixels. A frame stands for a centre crop
   * of the sensor, because rendering the full sensor is too slow.
   */
  frame_width_px: z.number().int().min(16).max(4096).default(320),
  /** Height of a simulated frame in pixels (centre crop of the sensor). */
  frame_height_px: z.number().int().min(16).max(4096).default(240),
  /** Pixel pitch of the simulated sensor, um. */
  sensor_pixel_um: z.number().positive().default(3.45),
  /** Pixels binned per side before the crop (2 means 2x2 binning). */
  sensor_binning: z.number().int().min(1).max(8).default(2),
});

/** Parsed `simulation:` section. */
export type SimulationConfig = z.infer<typeof simulationSchema>;
