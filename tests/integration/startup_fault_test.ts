import assert from "node:assert/strict";
import { createApp } from "../../http/app.ts";
import { pendingCommands, startSerialService } from "./_serial_service.ts";

Deno.test("a turret that never answers INIT stops start-up in fault naming its port and what to check, and a retry after the fix comes up", async () => {
  const rig = await startSerialService({
    beforeStart: (emulators) =>
      emulators.faults.turret.inject({
        kind: "silent",
        on: "INIT",
        times: Infinity,
      }),
  });
  try {
    const { service, emulators } = rig;
    const app = createApp(service);

    assert.equal(service.phase, "fault");
    const notice = service.notice ?? "";
    assert.match(notice, /turret did not answer INIT/);
    assert.ok(notice.includes(emulators.ports.turret), notice);
    assert.match(notice, /hardware\.lens_turret\.port/);
    assert.match(notice, /powered/);
    const down = await app.request("/health");
    assert.equal(down.status, 503);
    assert.equal((await down.json()).notice, notice);
    const refused = await service.requestHandoff(2);
    assert.equal(refused.kind, "rejected");
    if (refused.kind === "rejected") {
      assert.ok(refused.message.includes(emulators.ports.turret));
    }
    assert.equal(pendingCommands(rig.drivers).turret, 0);
    assert.equal(rig.clock.pendingTimers, 0);

    emulators.faults.turret.clear();
    assert.equal(service.retryStart(), true);
    const phase = await service.whenStarted();

    assert.equal(phase, "ready", service.notice ?? "");
    assert.equal((await app.request("/health")).status, 200);
    const outcome = await service.requestHandoff(2);
    assert.equal(outcome.kind, "completed");
    if (outcome.kind !== "completed") return;
    assert.equal(outcome.result.success, true, outcome.result.error?.message);
  } finally {
    await rig.close();
  }
});
