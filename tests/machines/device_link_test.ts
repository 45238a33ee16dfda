import assert from "node:assert/strict";
import { SimulatedClock } from "../../domain/clock.ts";
import type { DeviceLinkChange } from "../../drivers/types.ts";
import {
  FakeFocusMotor,
  FakeTurret,
  startDeviceMachines,
} from "./_fake_devices.ts";

const PORT = "/dev/ttyUSB0";
const LOSS = `the turret port ${PORT} is disconnected: cable pulled`;

/** Listeners of a fake driver's link changes. */
class Link {
  readonly #listeners = new Set<(change: DeviceLinkChange) => void>();

  subscribe(listener: (change: DeviceLinkChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  report(change: DeviceLinkChange): void {
    for (const listener of this.#listeners) listener(change);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}

class LinkedTurret extends FakeTurret {
  readonly link = new Link();
  onConnectionChange = (listener: (change: DeviceLinkChange) => void) =>
    this.link.subscribe(listener);
}

class LinkedFocusMotor extends FakeFocusMotor {
  readonly link = new Link();
  onConnectionChange = (listener: (change: DeviceLinkChange) => void) =>
    this.link.subscribe(listener);
}

function startDevices() {
  const clock = new SimulatedClock();
  return startDeviceMachines(
    clock,
    new LinkedTurret(clock),
    new LinkedFocusMotor(clock),
  );
}

Deno.test("a turret whose port goes away is disconnected and refuses switches at once, naming the port", async () => {
  const devices = startDevices();
  devices.turret.link.report({
    state: "disconnected",
    port: PORT,
    message: LOSS,
  });

  const snapshot = devices.turretRef.getSnapshot();
  assert.equal(snapshot.value, "disconnected");
  assert.deepEqual(snapshot.context.disconnection, {
    port: PORT,
    message: LOSS,
  });
  await assert.rejects(
    devices.session.switchLens("B"),
    { message: `Cannot switch the turret to lens B: ${LOSS}` },
  );
  assert.deepEqual(devices.turret.commands, [], "nothing reached the driver");
  devices.stop();
});

Deno.test("a turret back on its port is idle again and switches", async () => {
  const devices = startDevices();
  devices.turret.link.report({
    state: "disconnected",
    port: PORT,
    message: LOSS,
  });

  devices.turret.link.report({ state: "connected", port: PORT });
  await devices.session.switchLens("B");

  const snapshot = devices.turretRef.getSnapshot();
  assert.equal(snapshot.value, "idle");
  assert.equal(snapshot.context.disconnection, null);
  assert.equal(snapshot.context.lens, "B");
  devices.stop();
});

Deno.test("a switch under way when the port goes away ends disconnected, not in fault", async () => {
  const devices = startDevices();
  devices.turret.next = "fail";
  const switching = devices.session.switchLens("B");

  devices.turret.link.report({
    state: "disconnected",
    port: PORT,
    message: LOSS,
  });

  await assert.rejects(switching, /JAMMED/);
  assert.equal(devices.turretRef.getSnapshot().value, "disconnected");
  devices.stop();
});

Deno.test("a focus motor whose port goes away refuses moves until it is back", async () => {
  const devices = startDevices();
  devices.motor.link.report({
    state: "disconnected",
    port: "/dev/ttyUSB1",
    message: "the focus motor port /dev/ttyUSB1 is disconnected: gone",
  });

  await assert.rejects(
    devices.session.moveFocus(3),
    /Cannot move focus to 3 um: the focus motor port \/dev\/ttyUSB1 is disconnected/,
  );
  assert.equal(devices.focusRef.getSnapshot().value, "disconnected");

  devices.motor.link.report({ state: "connected", port: "/dev/ttyUSB1" });
  const moved = await devices.session.moveFocus(3);

  assert.equal(moved.zUm, 3);
  assert.equal(devices.focusRef.getSnapshot().value, "idle");
  devices.stop();
});

Deno.test("stopping the machines stops listening to the drivers", () => {
  const devices = startDevices();
  assert.equal(devices.turret.link.listenerCount, 1);
  assert.equal(devices.motor.link.listenerCount, 1);

  devices.stop();

  assert.equal(devices.turret.link.listenerCount, 0);
  assert.equal(devices.motor.link.listenerCount, 0);
});

Deno.test("a switch waiting behind one under way is refused naming the port when the port goes away", async () => {
  const devices = startDevices();
  devices.turret.next = "fail";
  const running = devices.session.switchLens("B");
  const waiting = devices.session.switchLens("A");

  devices.turret.link.report({
    state: "disconnected",
    port: PORT,
    message: LOSS,
  });

  await assert.rejects(running, /JAMMED/);
  await assert.rejects(waiting, {
    message: `Cannot switch the turret to lens A: ${LOSS}`,
  });
  assert.deepEqual(devices.turret.commands, ["B"]);
  assert.equal(devices.turretRef.getSnapshot().value, "disconnected");
  devices.stop();
});
