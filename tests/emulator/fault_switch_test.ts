import assert from "node:assert/strict";
import { FaultSwitch } from "../../emulator/fault_switch.ts";

Deno.test("a fault rule fires on matching commands only, as many times as asked", () => {
  const faults = new FaultSwitch();
  faults.inject({ kind: "drop", on: "MOV", times: 2 });

  assert.equal(faults.take("MOV?"), undefined);
  assert.equal(faults.take("MOV 1.000")?.kind, "drop");
  assert.equal(faults.take("MOV 2.000")?.kind, "drop");
  assert.equal(faults.take("MOV 3.000"), undefined);
  assert.deepEqual(faults.active, []);
});

Deno.test("fault rules fire in the order they were added, one per command", () => {
  const faults = new FaultSwitch();
  faults.inject({ kind: "stray" });
  faults.inject({ kind: "error", on: /^SWITCH_LENS_/ });

  assert.equal(faults.take("SWITCH_LENS_B")?.kind, "stray");
  assert.equal(faults.take("SWITCH_LENS_B")?.kind, "error");
  assert.equal(faults.take("SWITCH_LENS_B"), undefined);
});

Deno.test("a lasting fault stays until cleared", () => {
  const faults = new FaultSwitch();
  faults.inject({ kind: "silent", times: Infinity });

  for (let i = 0; i < 5; i++) assert.equal(faults.take("INIT")?.kind, "silent");
  faults.clear();

  assert.equal(faults.take("INIT"), undefined);
});
