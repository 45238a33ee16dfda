import assert from "node:assert/strict";
import { defaultConfig } from "../../../config/load.ts";
import type { Config } from "../../../config/schema.ts";
import { RealClock } from "../../../domain/clock.ts";
import { createScanner } from "../../../drivers/create_scanner.ts";
import { SerialFocusMotor } from "../../../drivers/serial/focus_motor.ts";
import { SerialIllumination } from "../../../drivers/serial/illumination.ts";
import { SerialTurret } from "../../../drivers/serial/turret.ts";
import { startEmulators } from "../../../emulator/start_emulators.ts";

function serialConfig(ports: {
  turret: string;
  focus: string;
  illumination: string;
}): Config {
  const config = defaultConfig(() => undefined);
  const hardware = config.hardware;
  return {
    ...config,
    hardware: {
      ...hardware,
      lens_turret: {
        ...hardware.lens_turret,
        driver: "motorized_turret_v2",
        port: ports.turret,
      },
      focus_motor: {
        ...hardware.focus_motor,
        driver: "piezo_focus_v3",
        port: ports.focus,
      },
      illumination: {
        ...hardware.illumination,
        driver: "led_controller",
        port: ports.illumination,
      },
    },
  };
}

Deno.test("the serial drivers come from configuration and keep the simulated camera's world in step", async () => {
  const emulators = await startEmulators(defaultConfig(() => undefined));
  const traffic: string[] = [];
  const { scanner, world } = await createScanner(
    serialConfig(emulators.ports),
    {
      clock: new RealClock(),
      serialLog: (device, line) => traffic.push(`${device} ${line}`),
    },
  );
  try {
    assert.ok(scanner.turret instanceof SerialTurret);
    assert.ok(scanner.focus instanceof SerialFocusMotor);
    assert.ok(scanner.illumination instanceof SerialIllumination);
    assert.ok(world);
    await scanner.turret.init();
    await scanner.focus.init();
    await scanner.illumination.init();

    await scanner.turret.switchTo("B");
    await scanner.focus.moveTo(2.5);
    const frame = await scanner.camera.capture();

    assert.equal(world.lensInPath(), "B");
    assert.equal(world.reportedFocusUm(), 2.5);
    assert.equal(frame.lens, "B");
    assert.equal(emulators.world.lensInPath(), "B");
    assert.equal(emulators.world.reportedFocusUm(), 2.5);
    assert.ok(traffic.includes("turret --> SWITCH_LENS_B"));
    assert.ok(traffic.includes("focus_motor --> MOV 2.500"));
  } finally {
    await scanner.close();
    await emulators.close();
  }
});
