/**
 * What the lab operations cost the running controller: the same handoffs
 * on the simulated scanner with and without them, in one run. Prints the
 * history's write time per handoff (measured around its writes inside the
 * service), the database's bytes per handoff, and the ratio of in-process
 * time per handoff with the lab to without it.
 *
 * Run: `deno task bench:lab`. The devices run on a simulated clock, so the
 * handoff time measured is the controller's own computing; the lab's
 * timers are parked so that no monitor check or pruning step lands in it.
 *
 * @module
 */

// First: confines npm code's process.env before any package reads it.
import "../permissions/confine_process_env.ts";
import { defaultConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { type Clock, SimulatedClock } from "../domain/clock.ts";
import { ScannerService } from "../actors/scanner_service.ts";
import { openHistory } from "../history/history.ts";

const HANDOFFS = 300;

/** A clock whose timers never fire: the lab's checks stay out of the run. */
const PARKED: Clock = {
  now: () => 0,
  setTimeout: () => 0,
  clearTimeout: () => {},
  sleep: () => new Promise(() => {}),
};

function benchConfig(dir: string): Config {
  const config = defaultConfig(() => undefined);
  config.parfocal.calibration_points = 10;
  config.paths.data_dir = dir;
  config.paths.calibration_file = `${dir}/calibration.json`;
  config.paths.log_dir = `${dir}/logs`;
  return config;
}

async function startOne(
  config: Config,
  withLab: boolean,
): Promise<ScannerService> {
  const service = await ScannerService.start(config, {
    clock: new SimulatedClock(),
    lab: withLab
      ? { clock: PARKED, scheduler: false, telemetry: false }
      : undefined,
  });
  await service.whenStarted();
  return service;
}

async function timeOne(service: ScannerService, i: number): Promise<number> {
  const startMs = performance.now();
  const outcome = await service.requestHandoff(-10 + (i % 21));
  if (outcome.kind !== "completed") throw new Error(outcome.message);
  return performance.now() - startMs;
}

const dir = await Deno.makeTempDir({ prefix: "lab_bench_" });
const config = benchConfig(dir);

// The first start calibrates; both controllers then load that calibration.
const warmup = await ScannerService.start(config, {
  clock: new SimulatedClock(),
});
await warmup.whenStarted();
await warmup.stop();

// Both controllers run side by side, handoffs alternating, so that a
// neighbour's load on the machine falls on both alike.
await Deno.mkdir(`${dir}/lab`);
await Deno.copyFile(
  config.paths.calibration_file,
  `${dir}/lab/calibration.json`,
);
const plain = await startOne(config, false);
const labbed = await startOne(benchConfig(`${dir}/lab`), true);
let withoutMs = 0;
let withMs = 0;
for (let i = 0; i < HANDOFFS; i++) {
  withoutMs += await timeOne(plain, i);
  withMs += await timeOne(labbed, i);
}
await plain.stop();
const lab = labbed.lab!;
const cost = lab.writeCost();
const live = lab.history.size();
const rows = lab.history.counts();
await labbed.stop();
const without = { msPerHandoff: withoutMs / HANDOFFS };
const withLab = { msPerHandoff: withMs / HANDOFFS };
const { size: checkpointedBytes } = await Deno.stat(
  `${dir}/lab/history.sqlite`,
);
// An empty history's schema pages, so the growth per handoff can be told.
openHistory(`${dir}/empty.sqlite`).close();
const { size: emptyBytes } = await Deno.stat(`${dir}/empty.sqlite`);
await Deno.remove(dir, { recursive: true });

const perHandoff = (bytes: number) => (bytes / HANDOFFS).toFixed(0);
console.log(`handoffs per run:                 ${HANDOFFS}`);
console.log(
  `history writes per handoff:       mean ${
    (cost.meanMs! * 1000).toFixed(0)
  } us, max ${(cost.maxMs * 1000).toFixed(0)} us (handoff + search rows)`,
);
console.log(
  `rows written:                     ${rows.handoffs} handoffs, ${rows.autofocus_runs} searches, ${rows.calibrations} calibrations`,
);
console.log(
  `database while running:           ${live.databaseBytes} bytes + WAL ${live.walBytes} bytes`,
);
console.log(
  `database after checkpoint:        ${checkpointedBytes} bytes (empty: ${emptyBytes}), ${
    perHandoff(checkpointedBytes - emptyBytes)
  } bytes per handoff`,
);
console.log(
  `in-process time per handoff:      ${
    without.msPerHandoff.toFixed(2)
  } ms without the lab, ${withLab.msPerHandoff.toFixed(2)} ms with it`,
);
console.log(
  `ratio with / without:             ${
    (withLab.msPerHandoff / without.msPerHandoff).toFixed(3)
  }`,
);
