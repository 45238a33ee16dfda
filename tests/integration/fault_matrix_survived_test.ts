/**
 * Faults of the line protocol that a handoff must ride through: each one
 * fires during a whole handoff over real pseudo-terminals, and the handoff
 * still succeeds with nothing left waiting.
 */

import assert from "node:assert/strict";
import type { EmulatorFault } from "../../emulator/fault_switch.ts";
import type { RunningEmulators } from "../../emulator/start_emulators.ts";
import { createApp } from "../../http/app.ts";
import {
  devicesAtRest,
  pendingCommands,
  type SerialServiceRig,
  startSerialService,
  whenHandoffRuns,
} from "./_serial_service.ts";

async function assertHandoffSurvives(
  device: keyof RunningEmulators["faults"],
  fault: EmulatorFault,
  sent: string,
): Promise<void> {
  const rig = await startSerialService();
  try {
    whenHandoffRuns(
      rig.service,
      () => rig.emulators.faults[device].inject(fault),
    );

    const outcome = await rig.service.requestHandoff(2);

    assert.equal(outcome.kind, "completed");
    if (outcome.kind !== "completed") return;
    assert.equal(outcome.result.success, true, outcome.result.error?.message);
    assert.deepEqual(rig.emulators.faults[device].active, [], "fault fired");
    assert.ok(rig.traffic.includes(sent), `the emulator sent ${sent}`);
    await assertSettled(rig);
    assert.equal(rig.emulators.world.lensInPath(), "B");
  } finally {
    await rig.close();
  }
}

async function assertSettled(rig: SerialServiceRig): Promise<void> {
  await devicesAtRest(rig.service);
  assert.deepEqual(pendingCommands(rig.drivers), {
    turret: 0,
    focus: 0,
    illumination: 0,
  });
  assert.equal(rig.clock.pendingTimers, 0);
  const health = await createApp(rig.service).request("/health");
  assert.equal(health.status, 200);
}

Deno.test("a handoff succeeds when the turret's COMPLETE comes in two chunks 50 ms apart", async () => {
  await assertHandoffSurvives("turret", {
    kind: "split",
    on: "SWITCH_LENS_B",
    delayMs: 50,
  }, "turret --> COMPLETE (in two chunks)");
});

Deno.test("a handoff succeeds when the piezo sends two replies in one chunk", async () => {
  await assertHandoffSurvives(
    "focus",
    { kind: "merge", on: "MOV?" },
    "focus --> READY (twice, one chunk)",
  );
});

Deno.test("a handoff succeeds when the turret sends an unsolicited line before its reply", async () => {
  await assertHandoffSurvives("turret", {
    kind: "stray",
    on: "SWITCH_LENS_B",
    text: "# turret note: lamp hours 1234",
  }, "turret --> # turret note: lamp hours 1234");
});
