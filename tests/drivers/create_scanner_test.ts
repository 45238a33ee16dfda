import assert from "node:assert/strict";
import { SimulatedClock } from "../../domain/clock.ts";
import { defaultConfig } from "../../config/load.ts";
import type { Config } from "../../config/schema.ts";
import { ConfigError } from "../../config/errors.ts";
import { createScanner } from "../../drivers/create_scanner.ts";
import { SimulatedCamera } from "../../drivers/simulated/camera.ts";
import { SimulatedTurret } from "../../drivers/simulated/turret.ts";
import {
  StackFocusMotor,
  StackReplayCamera,
} from "../../drivers/stack_replay_camera.ts";

function withHardware(
  change: (hardware: Config["hardware"]) => Config["hardware"],
): Config {
  const config = defaultConfig(() => undefined);
  return { ...config, hardware: change(structuredClone(config.hardware)) };
}

Deno.test("the default configuration builds a fully simulated scanner with a world and stage", async () => {
  const clock = new SimulatedClock();
  const { scanner, world } = await createScanner(
    defaultConfig(() => undefined),
    { clock },
  );

  assert.ok(world);
  assert.ok(scanner.turret instanceof SimulatedTurret);
  assert.ok(scanner.camera instanceof SimulatedCamera);
  await scanner.turret.switchTo("B");
  await scanner.stage?.presentFieldAt(1);
  await scanner.focus.moveTo(Math.round(world.trueFocusUm("B") * 100) / 100);
  const frame = await scanner.camera.capture();
  assert.equal(frame.lens, "B");
  await scanner.close();
});

Deno.test("a given world is shared by the scanner's devices", async () => {
  const clock = new SimulatedClock();
  const config = defaultConfig(() => undefined);
  const first = await createScanner(config, { clock });

  const second = await createScanner(config, { clock, world: first.world });

  assert.equal(second.world, first.world);
  await second.scanner.turret.switchTo("B");
  assert.equal(first.world?.lensInPath(), "B");
});

Deno.test("a serial driver without a port is refused with a ConfigError naming the key", async () => {
  const config = withHardware((hardware) => ({
    ...hardware,
    lens_turret: {
      ...hardware.lens_turret,
      driver: "motorized_turret_v2",
      port: undefined,
    },
  }));

  await assert.rejects(
    () => createScanner(config, { clock: new SimulatedClock() }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.includes("hardware.lens_turret.port"),
  );
});

Deno.test("the stack_replay camera replays the stack with a motor spanning it", async () => {
  const config = withHardware((hardware) => ({
    ...hardware,
    camera: {
      ...hardware.camera,
      driver: "stack_replay",
      stack_dir: "/work/shared/data/urjc-adipose-s1",
      z_step_um: 1,
    },
  }));

  const { scanner } = await createScanner(config, {
    clock: new SimulatedClock(),
  });

  assert.ok(scanner.camera instanceof StackReplayCamera);
  assert.ok(scanner.focus instanceof StackFocusMotor);
  assert.equal(scanner.stage, undefined);
  await scanner.focus.moveTo(10);
  const frame = await scanner.camera.capture();
  assert.deepEqual([frame.widthPx, frame.heightPx], [1388, 1040]);
  await assert.rejects(() => scanner.focus.moveTo(16.5), RangeError);
  await scanner.close();
});

Deno.test("close closes every device even when one fails to close", async () => {
  const { scanner } = await createScanner(defaultConfig(() => undefined), {
    clock: new SimulatedClock(),
  });
  scanner.turret.close = () => Promise.reject(new Error("port stuck"));

  await assert.rejects(() => scanner.close(), {
    name: "AggregateError",
    message: /Could not close 1 of 5 devices.*port stuck/,
  });
  await assert.rejects(() => scanner.camera.capture(), {
    name: "DeviceDisconnectedError",
  });
});
