/**
 * Device faults that fail a handoff: each one fires during a whole handoff
 * over real pseudo-terminals. The handoff fails naming the device and the
 * fault, the device's machine says what happened, nothing is left waiting,
 * `/health` keeps answering, and once the fault is gone the next handoff
 * succeeds.
 */

import assert from "node:assert/strict";
import type { EmulatorFault } from "../../emulator/fault_switch.ts";
import type { RunningEmulators } from "../../emulator/start_emulators.ts";
import type { HandoffResult } from "../../machines/handoff_types.ts";
import type { TurretReply } from "../../machines/turret_machine.ts";
import { ask } from "../../actors/ask.ts";
import { createApp } from "../../http/app.ts";
import {
  deviceActor,
  devicesAtRest,
  pendingCommands,
  type SerialServiceRig,
  startSerialService,
  stateOf,
  whenHandoffRuns,
} from "./_serial_service.ts";

const Z_SOURCE_UM = 2;

async function failingHandoff(
  rig: SerialServiceRig,
  device: keyof RunningEmulators["faults"],
  fault: EmulatorFault,
): Promise<HandoffResult> {
  whenHandoffRuns(
    rig.service,
    () => rig.emulators.faults[device].inject(fault),
  );
  const outcome = await rig.service.requestHandoff(Z_SOURCE_UM);
  assert.equal(outcome.kind, "completed");
  if (outcome.kind !== "completed") throw new Error("handoff was rejected");
  assert.equal(outcome.result.success, false, "the handoff should fail");
  return outcome.result;
}

/** Nothing waits, `/health` answers, and the next handoff succeeds. */
async function assertRecovers(rig: SerialServiceRig): Promise<void> {
  const { service } = rig;
  await devicesAtRest(service);
  for (const systemId of ["turret", "focus_motor"] as const) {
    await stateOf(deviceActor(service, systemId), (v) => v !== "disconnected");
  }
  assert.deepEqual(pendingCommands(rig.drivers), {
    turret: 0,
    focus: 0,
    illumination: 0,
  });
  assert.equal(rig.clock.pendingTimers, 0);
  const health = await createApp(service).request("/health");
  assert.equal(health.status, 200);
  assert.equal((await health.json()).status, "healthy");

  const next = await service.requestHandoff(Z_SOURCE_UM);

  assert.equal(next.kind, "completed");
  if (next.kind !== "completed") return;
  assert.equal(next.result.success, true, next.result.error?.message);
  assert.equal(service.scanner.turret.currentLens(), "B");
  assert.equal(rig.emulators.world.lensInPath(), "B");
}

Deno.test("ERROR on MOV? fails the handoff naming the focus motor, which then moves again", async () => {
  const rig = await startSerialService();
  try {
    const result = await failingHandoff(rig, "focus", {
      kind: "error",
      on: "MOV?",
    });

    assert.equal(result.error?.device, "focus_motor");
    assert.match(result.error!.message, /focus motor reported ERROR/);
    const focus = await stateOf(
      deviceActor(rig.service, "focus_motor"),
      (value) => value !== "moving",
    );
    assert.equal(focus.value, "fault");
    assert.match(String(focus.context.fault), /reported ERROR/);
    await assertRecovers(rig);
  } finally {
    await rig.close();
  }
});

Deno.test("no reply to SWITCH_LENS_B fails the handoff naming the turret, its port and the timeout", async () => {
  const rig = await startSerialService();
  try {
    const result = await failingHandoff(rig, "turret", {
      kind: "drop",
      on: "SWITCH_LENS_B",
    });

    assert.equal(result.error?.device, "turret");
    assert.match(result.error!.message, /no COMPLETE within \d+ ms/);
    assert.ok(result.error!.message.includes(rig.emulators.ports.turret));
    const turret = deviceActor(rig.service, "turret").getSnapshot();
    assert.equal(turret.value, "fault");
    assert.equal(turret.context.lens, null, "the lens is unknown");
    await assertRecovers(rig);
  } finally {
    await rig.close();
  }
});

Deno.test("the piezo's port closing during a move fails the handoff, shows the motor disconnected, and reconnects", async () => {
  const rig = await startSerialService();
  const seen: { value: string; context: Record<string, unknown> }[] = [];
  try {
    const focusActor = deviceActor(rig.service, "focus_motor");
    const disconnected = stateOf(
      focusActor,
      (value) => value === "disconnected",
    )
      .then((state) => seen.push(state));
    const links: string[] = [];
    rig.service.on("device.link", (event) => {
      links.push(`${event.device} ${event.state}`);
    });

    const result = await failingHandoff(rig, "focus", {
      kind: "close",
      on: "MOV",
      delayMs: 1,
    });
    await disconnected;

    assert.equal(result.error?.device, "focus_motor");
    assert.match(result.error!.message, /focus motor/);

    assert.ok(result.error!.message.includes(rig.emulators.ports.focus));
    const lost = seen[0].context.disconnection as {
      port: string;
      message: string;
    };
    assert.equal(lost.port, rig.emulators.ports.focus);
    assert.match(lost.message, /is disconnected: .*check the cable/);
    assert.match(lost.message, /it is reopened by itself/);
    await assertRecovers(rig);
    assert.deepEqual(links, [
      "focus_motor disconnected",
      "focus_motor connected",
    ]);
    assert.equal(rig.service.notice, null);
  } finally {
    await rig.close();
  }
});

Deno.test("a turret jammed mid-switch leaves the lens unknown until a switch re-establishes it", async () => {
  const rig = await startSerialService();
  const lenses: unknown[] = [];
  try {
    const turretActor = deviceActor(rig.service, "turret");
    turretActor.subscribe((snapshot) => {
      if (lenses.at(-1) !== snapshot.context.lens) {
        lenses.push(snapshot.context.lens);
      }
    });

    const result = await failingHandoff(rig, "turret", {
      kind: "error",
      on: "SWITCH_LENS_B",
    });

    assert.equal(result.error?.device, "turret");
    assert.match(
      result.error!.message,
      /answered "JAMMED" instead of COMPLETE/,
    );
    const turret = turretActor.getSnapshot();
    assert.equal(turret.value, "fault");
    assert.equal(turret.context.lens, null);
    assert.equal(rig.service.scanner.turret.currentLens(), null);
    assert.equal(rig.emulators.world.lensInPath(), null, "no lens in place");
    await assertRecovers(rig);
    // Unknown after the jam, then A (the next handoff's start) and B.
    assert.deepEqual(lenses.slice(-3), [null, "A", "B"]);
  } finally {
    await rig.close();
  }
});

Deno.test("the turret's port closing mid-switch shows the turret disconnected, refuses switches, and sends INIT once back", async () => {
  const rig = await startSerialService();
  try {
    const turretActor = deviceActor(rig.service, "turret");
    // Asked while the port is away (no I/O can bring it back in between).
    const refusal = stateOf(turretActor, (v) => v === "disconnected").then(
      (lost) => ({
        lost,
        reply: ask<TurretReply>(
          turretActor,
          (replyTo) => ({ type: "turret.switch", lens: "A", replyTo }),
          ["turret.switched", "turret.failed"],
        ),
      }),
    );

    const result = await failingHandoff(rig, "turret", {
      kind: "close",
      on: "SWITCH_LENS_B",
      delayMs: 5,
    });
    const { lost, reply } = await refusal;

    assert.equal(result.error?.device, "turret");
    assert.match(result.error!.message, /Cannot switch the turret to lens B/);
    assert.ok(result.error!.message.includes(rig.emulators.ports.turret));
    assert.equal(lost.context.lens, null);
    const refused = await reply;
    assert.equal(refused.type, "turret.failed");
    if (refused.type !== "turret.failed") return;
    assert.match(refused.message, /^Cannot switch the turret to lens A: /);
    assert.ok(refused.message.includes(rig.emulators.ports.turret));
    assert.match(refused.message, /it is reopened by itself/);
    await assertRecovers(rig);
    const afterLoss = rig.traffic.slice(
      rig.traffic.lastIndexOf("turret <-- SWITCH_LENS_B [fault: close]"),
    );
    assert.ok(afterLoss.includes("turret <-- INIT"), afterLoss.join("\n"));
  } finally {
    await rig.close();
  }
});
