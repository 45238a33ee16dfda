/**
 * A controller on the simulated scanner and a simulated clock, with its
 * calibration file in a fresh temporary folder.
 */

import { defaultConfig } from "../../config/load.ts";
import type { Config } from "../../config/schema.ts";
import { SimulatedClock } from "../../domain/clock.ts";
import {
  ScannerService,
  type ScannerServiceOptions,
} from "../../actors/scanner_service.ts";

/** A default configuration with fewer calibration points, paths in `dir`. */
export function testConfig(dir: string, points = 12): Config {
  const config = defaultConfig(() => undefined);
  config.parfocal.calibration_points = points;
  config.paths.data_dir = dir;
  config.paths.calibration_file = `${dir}/calibration.json`;
  config.paths.log_dir = `${dir}/logs`;
  // In-process requests (`app.request`) have no peer address for the
  // allowlist, and tests send handoffs faster than a lab would; both layers
  // are tested over loopback in tests/http/app_security_test.ts.
  config.security.allowed_ips = [];
  config.security.handoff_rate_per_s = 1000;
  return config;
}

/** Starts a service on a simulated clock and waits for start-up to end. */
export async function startService(
  config: Config,
  options: ScannerServiceOptions = {},
): Promise<ScannerService> {
  const service = await ScannerService.start(config, {
    clock: new SimulatedClock(),
    ...options,
  });
  await service.whenStarted();
  return service;
}
