import assert from "node:assert/strict";
import { defaultConfig } from "../../config/load.ts";
import { RealClock } from "../../domain/clock.ts";
import { startEmulators } from "../../emulator/start_emulators.ts";
import { LineTransport } from "../../serial/line_transport.ts";

const clock = new RealClock();

function transportOn(path: string): LineTransport {
  return new LineTransport({
    device: "illumination",
    path,
    baudRate: 115200,
    clock,
    backoff: { initialDelayMs: 5, maxDelayMs: 10 },
  });
}

Deno.test("startEmulators links each port to a pseudo-terminal and removes the links on close", async () => {
  const emulators = await startEmulators(defaultConfig());
  const { turret, focus, illumination } = emulators.ports;
  const linkDir = turret.replace(/\/turret$/, "");

  for (const path of [turret, focus, illumination]) {
    assert.match(await Deno.readLink(path), /^\/dev\/pts\/\d+$/);
  }
  await emulators.close();

  await assert.rejects(Deno.stat(linkDir), Deno.errors.NotFound);
});

Deno.test("an emulated port closed by a fault comes back at the same path", async () => {
  const emulators = await startEmulators(defaultConfig(), {
    reopenAfterMs: 20,
  });
  const transport = transportOn(emulators.ports.illumination);
  try {
    await transport.open();
    emulators.faults.illumination.inject({ kind: "close", on: "BRIGHT?" });
    const states: string[] = [];
    const back = new Promise<void>((resolve) =>
      transport.onStateChange((change) => {
        states.push(change.state);
        if (change.state === "connected") resolve();
      })
    );

    await assert.rejects(
      transport.request("BRIGHT?", { reply: /^\d+$/, timeoutMs: 1000 }),
      { name: "DeviceDisconnectedError" },
    );
    await back;

    assert.equal(states[0], "disconnected");
    assert.equal(
      await transport.request("BRIGHT?", { reply: /^\d+$/, timeoutMs: 1000 }),
      "128",
    );
  } finally {
    await transport.close();
    await emulators.close();
  }
});

Deno.test("the emulated focus controller answers MOVING during a move and READY once settled", async () => {
  const emulators = await startEmulators(defaultConfig());
  const transport = new LineTransport({
    device: "focus_motor",
    path: emulators.ports.focus,
    baudRate: 57600,
    clock,
  });
  try {
    await transport.open();
    const status = () =>
      transport.request("MOV?", { reply: /^\w+$/, timeoutMs: 1000 });

    await transport.send("MOV 10.000");
    const during = await status();
    while (emulators.world.focusMoveInProgress()) await clock.sleep(5);
    const after = await status();

    assert.equal(during, "MOVING");
    assert.equal(after, "READY");
    assert.equal(emulators.world.reportedFocusUm(), 10);
  } finally {
    await transport.close();
    await emulators.close();
  }
});
