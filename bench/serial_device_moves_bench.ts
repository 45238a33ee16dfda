/**
 * Device part of a handoff, switch to lens B and move the focus, then
 * back, through the serial drivers and the emulators next to the simulated
 * drivers, both on the wall clock with the same configuration. Run:
 * `deno run --allow-ffi --allow-read --allow-write --allow-env bench/serial_device_moves_bench.ts`.
 *
 * Prints the mean time of one switch-and-move per case and the serial
 * overhead over the simulator (ratio and milliseconds).
 *
 * @module
 */

import { defaultConfig } from "../config/load.ts";
import { lensProfiles } from "../config/lenses.ts";
import { RealClock } from "../domain/clock.ts";
import type { LensId } from "../domain/lens.ts";
import { SerialFocusMotor } from "../drivers/serial/focus_motor.ts";
import { SerialTurret } from "../drivers/serial/turret.ts";
import { SimulatedFocusMotor } from "../drivers/simulated/focus_motor.ts";
import { SimulatedTurret } from "../drivers/simulated/turret.ts";
import { createSimulatedWorld } from "../drivers/simulated/world.ts";
import type { FocusMotor, Turret } from "../drivers/types.ts";
import { startEmulators } from "../emulator/start_emulators.ts";

const ROUNDS = 100;
const config = defaultConfig(() => undefined);
const clock = new RealClock();
const TARGETS: [LensId, number][] = [["B", 2.4], ["A", -1.6]];

async function meanMs(turret: Turret, focus: FocusMotor): Promise<number> {
  await turret.switchTo("A");
  let totalMs = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const [lens, zUm] = TARGETS[i % 2];
    const startMs = performance.now();
    await turret.switchTo(lens);
    await focus.moveTo(zUm);
    totalMs += performance.now() - startMs;
  }
  return totalMs / ROUNDS;
}

async function simulated(): Promise<number> {
  const world = createSimulatedWorld(config, clock);
  const turret = new SimulatedTurret(world, { clock });
  const focus = new SimulatedFocusMotor(world, { clock });
  try {
    return await meanMs(turret, focus);
  } finally {
    await turret.close();
    await focus.close();
  }
}

async function serial(): Promise<number> {
  const emulators = await startEmulators(config);
  const turret = new SerialTurret({
    path: emulators.ports.turret,
    switchTimeMs: config.hardware.lens_turret.switch_time_ms,
  });
  const focus = new SerialFocusMotor({
    path: emulators.ports.focus,
    lenses: lensProfiles(config),
    lensInPlace: () => turret.currentLens(),
    precisionUm: config.hardware.focus_motor.precision_um,
  });
  try {
    await turret.init();
    await focus.init();
    return await meanMs(turret, focus);
  } finally {
    await turret.close();
    await focus.close();
    await emulators.close();
  }
}

const simulatedMs = await simulated();
const serialMs = await serial();
console.log(`rounds per case: ${ROUNDS} (switch lens, then move focus)`);
console.log(`simulated drivers:     ${simulatedMs.toFixed(2)} ms`);
console.log(`serial over emulators: ${serialMs.toFixed(2)} ms`);
console.log(
  `serial / simulated: ${(serialMs / simulatedMs).toFixed(3)} (+${
    (serialMs - simulatedMs).toFixed(2)
  } ms)`,
);
