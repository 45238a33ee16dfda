/**
 * The configuration schema. Section and key names follow the deployment
 * guide's YAML sample, which must load unchanged; sections the sample does
 * not have (`server`, `paths`, `simulation`) are optional with defaults.
 *
 * @module
 */

import { z } from "zod";
import { simulationSchema } from "./simulation_schema.ts";

const positive = () => z.number().positive();
const nonNegative = () => z.number().nonnegative();

const zRange = z.tuple([z.number(), z.number()]).refine(
  ([low, high]) => low < high,
  { message: "z range is empty: the first value must be below the second" },
);

const lensSchema = z.strictObject({
  name: z.string().min(1),
  magnification: positive(),
  na: z.number().positive().max(1.6),
  z_range_um: zRange,
  focus_speed_um_per_s: positive(),
  settle_time_ms: nonNegative(),
});

/** Turret drivers: the simulator, or the serial protocol of DESIGN.md. */
export const TURRET_DRIVERS = ["simulated", "motorized_turret_v2"] as const;
/** Focus drivers: the simulator, or the piezo serial protocol. */
export const FOCUS_DRIVERS = ["simulated", "piezo_focus_v3"] as const;
/** Illumination drivers: the simulator, or the LED serial protocol. */
export const ILLUMINATION_DRIVERS = ["simulated", "led_controller"] as const;
/** Camera drivers: the rendered smear, or a recorded focus stack. */
export const CAMERA_DRIVERS = ["simulated", "stack_replay"] as const;

const hardwareSchema = z.strictObject({
  camera: z.strictObject({
    driver: z.enum(CAMERA_DRIVERS).default("simulated"),
    device_id: z.number().int().nonnegative().default(0),
    resolution: z.tuple([
      z.number().int().positive(),
      z.number().int().positive(),
    ])
      .default([2048, 1536]),
    exposure_ms: positive().default(10),
    gain: positive().default(1),
    stack_dir: z.string().optional(),
    z_step_um: positive().default(1),
  }).refine((camera) => camera.driver !== "stack_replay" || camera.stack_dir, {
    message: "the stack_replay camera needs stack_dir: a folder of slices",
  }),
  lens_turret: z.strictObject({
    driver: z.enum(TURRET_DRIVERS),
    port: z.string().optional(),
    switch_time_ms: positive(),
    timeout_ms: positive().default(1000),
  }),
  focus_motor: z.strictObject({
    driver: z.enum(FOCUS_DRIVERS),
    port: z.string().optional(),
    precision_um: positive(),
    speed_um_per_s: positive(),
  }),
  illumination: z.strictObject({
    driver: z.enum(ILLUMINATION_DRIVERS),
    port: z.string().optional(),
    max_brightness: z.number().int().positive().max(255),
    default_brightness: z.number().int().nonnegative().max(255),
  }).refine(
    (led) => led.default_brightness <= led.max_brightness,
    {
      message:
        "default_brightness must not exceed max_brightness: lower it or raise max_brightness",
      path: ["default_brightness"],
    },
  ),
  temperature_sensor: z.strictObject({
    driver: z.enum(["simulated"]).default("simulated"),
  }).prefault({}),
});

const systemSchema = z.strictObject({
  name: z.string().min(1),
  location: z.string().default(""),
  optimization_level: z.enum(["STANDARD", "FAST", "ULTRA_FAST"]).default(
    "ULTRA_FAST",
  ),
  enable_telemetry: z.boolean().default(false),
  log_level: z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]).default("INFO"),
});

const parfocalSchema = z.strictObject({
  model_type: z.enum(["LINEAR", "POLYNOMIAL", "ADAPTIVE"]).default("ADAPTIVE"),
  calibration_points: z.number().int().min(4).default(25),
  temperature_compensation: z.boolean().default(true),
  confidence_threshold: z.number().gt(0).max(1).default(0.95),
  learning_rate: z.number().gt(0).max(1).default(0.1),
});

const performanceSchema = z.strictObject({
  max_handoff_time_ms: positive().default(300),
  max_mapping_error_um: positive().default(1),
  cache_size: z.number().int().nonnegative().default(100),
  thread_pool_workers: z.number().int().positive().default(4),
  enable_concurrent_operations: z.boolean().default(true),
  enable_predictive_focus: z.boolean().default(true),
});

const monitoringSchema = z.strictObject({
  enable_performance_tracking: z.boolean().default(true),
  /** Days of handoffs, alerts and maintenance runs the history keeps. */
  history_retention_days: positive().default(90),
  /** Seconds between the monitor's alert checks. */
  check_interval_s: positive().default(60),
  /** Handoffs in the sliding window the alerts and health score read. */
  alert_window_handoffs: z.number().int().positive().default(100),
  alert_thresholds: z.strictObject({
    handoff_time_ms: positive().default(350),
    mapping_error_um: positive().default(1.5),
    success_rate: z.number().min(0).max(1).default(0.98),
  }).prefault({}),
  telemetry: z.strictObject({
    enable: z.boolean().default(false),
    endpoint: z.url().optional(),
    api_key: z.string().optional(),
    upload_interval_s: positive().default(60),
  }).prefault({}),
});

const maintenanceSchema = z.strictObject({
  auto_calibration: z.strictObject({
    enable: z.boolean().default(true),
    interval_hours: positive().default(24),
    temperature_change_threshold_c: positive().default(2),
    /** Minutes between temperature readings for the threshold above. */
    temperature_check_interval_min: positive().default(10),
  }).prefault({}),
  backup: z.strictObject({
    enable: z.boolean().default(true),
    interval_hours: positive().default(6),
    retention_days: positive().default(30),
    /** Most backups kept, newest first, whatever their age. */
    max_count: z.number().int().positive().default(30),
    location: z.string().default("var/backups"),
  }).prefault({}),
});

const securitySchema = z.strictObject({
  enable_api_auth: z.boolean().default(false),
  api_key: z.string().optional(),
  allowed_ips: z.array(z.string()).default([]),
  /** Browser origins given CORS access (scheme://host[:port]); none. */
  cors_origins: z.array(z.url()).default([]),
  /** CIDR blocks of reverse proxies whose X-Forwarded-For is believed. */
  trusted_proxies: z.array(z.string()).default([]),
  /** Handoff requests per second, sustained and in a burst. */
  handoff_rate_per_s: positive().default(5),
}).refine(
  (security) => !security.enable_api_auth || !!security.api_key?.trim(),
  {
    message:
      'enable_api_auth needs a non-blank api_key: set it (e.g. api_key: "${API_KEY}") or turn auth off',
    path: ["api_key"],
  },
);

const serverSchema = z.strictObject({
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(8080),
});

const pathsSchema = z.strictObject({
  data_dir: z.string().min(1).default("var"),
  calibration_file: z.string().min(1).default("var/calibration.json"),
  log_dir: z.string().min(1).default("var/logs"),
});

/** The whole configuration file. */
export const configSchema = z.strictObject({
  system: systemSchema,
  hardware: hardwareSchema,
  lenses: z.strictObject({ lens_a: lensSchema, lens_b: lensSchema }),
  parfocal: parfocalSchema.prefault({}),
  performance: performanceSchema.prefault({}),
  monitoring: monitoringSchema.prefault({}),
  maintenance: maintenanceSchema.prefault({}),
  security: securitySchema.prefault({}),
  server: serverSchema.prefault({}),
  paths: pathsSchema.prefault({}),
  simulation: simulationSchema.prefault({}),
});

/** A validated configuration. */
export type Config = z.infer<typeof configSchema>;

/** One lens section of the configuration. */
export type LensConfig = z.infer<typeof lensSchema>;
