import assert from "node:assert/strict";
import { defaultConfig } from "../../../config/load.ts";
import { lensProfiles } from "../../../config/lenses.ts";
import { SimulatedClock } from "../../../domain/clock.ts";
import type { LensId } from "../../../domain/lens.ts";
import { DeviceTimeoutError } from "../../../drivers/errors.ts";
import { planMove } from "../../../drivers/serial/_move_plan.ts";
import { SerialFocusMotor } from "../../../drivers/serial/focus_motor.ts";
import { FakeDevice } from "../../serial/_fake_port.ts";
import { rejectionOf } from "../../serial/_helpers.ts";

const lenses = lensProfiles(defaultConfig());

function motorOn(
  clock: SimulatedClock,
  device: FakeDevice,
  lens: LensId | null,
) {
  return new SerialFocusMotor({
    path: "/dev/ttyFAKE1",
    clock,
    openPort: device.opener,
    lenses,
    lensInPlace: () => lens,
    precisionUm: 0.01,
  });
}

/** A controller that settles `settleAtMs` after each MOV. */
function piezo(clock: SimulatedClock, settleAfterMs: number) {
  const device = new FakeDevice();
  const pollsAtMs: number[] = [];
  let readyAtMs = Infinity;
  device.onLine = (line) => {
    if (line === "*IDN?") device.send("Fake,PIEZO,1,1\r\n");
    if (line.startsWith("MOV ")) {
      readyAtMs = clock.now() + settleAfterMs;
      pollsAtMs.length = 0;
    }
    if (line === "MOV?") {
      pollsAtMs.push(clock.now());
      device.send(clock.now() >= readyAtMs ? "READY\r\n" : "MOVING\r\n");
    }
  };
  return { device, pollsAtMs };
}

Deno.test("planMove polls first at the expected arrival and then every quarter settle", () => {
  const plan = planMove({
    lenses,
    lens: "A",
    fromUm: 0,
    toUm: 10,
    precisionUm: 0.01,
    marginMs: 50,
  });

  assert.equal(plan.travelMs, 20);
  assert.equal(plan.expectedMs, 25);
  assert.equal(plan.firstPollMs, 25);
  assert.equal(plan.pollIntervalMs, 1.25);
  assert.equal(plan.deadlineMs, 125);
});

Deno.test("planMove assumes the slower lens and the wider range when no lens is known", () => {
  const plan = planMove({
    lenses,
    lens: null,
    fromUm: 0,
    toUm: -18,
    precisionUm: 0.01,
    marginMs: 0,
  });

  assert.equal(plan.travelMs, 60);
  assert.equal(plan.settleMs, 8);
  assert.throws(
    () =>
      planMove({
        lenses,
        lens: "B",
        fromUm: 0,
        toUm: -18,
        precisionUm: 0.01,
        marginMs: 0,
      }),
    { message: "Cannot move focus to -18 um: lens B allows -15..15 um" },
  );
});

Deno.test("SerialFocusMotor polls MOV? at the expected arrival, not before", async () => {
  const clock = new SimulatedClock();
  const { device, pollsAtMs } = piezo(clock, 27);
  const motor = motorOn(clock, device, "A");
  await motor.init();

  const startMs = clock.now();
  await motor.moveTo(10);

  assert.deepEqual(
    pollsAtMs.map((atMs) => atMs - startMs),
    [25, 26.25, 27.5],
  );
  assert.equal(motor.positionUm(), 10);
  await motor.close();
  assert.equal(clock.pendingTimers, 0);
});

Deno.test("SerialFocusMotor gives up on a move that never settles after three times the expected time", async () => {
  const clock = new SimulatedClock();
  const { device } = piezo(clock, Infinity);
  const motor = motorOn(clock, device, "B");
  await motor.init();

  const startMs = clock.now();
  const error = await rejectionOf(motor.moveTo(3), DeviceTimeoutError);

  assert.equal(error.timeoutMs, 3 * (10 + 8) + 50);
  assert.ok(clock.now() - startMs >= error.timeoutMs);
  assert.ok(clock.now() - startMs < error.timeoutMs + 2);
  assert.match(error.message, /did not settle at 3\.000 um/);
  assert.equal(motor.positionUm(), 0);
  await motor.close();
});
