import assert from "node:assert/strict";
import {
  type AlertThresholds,
  evaluateAlerts,
} from "../../monitoring/alerts.ts";
import { windowStats } from "./_stats.ts";

const THRESHOLDS: AlertThresholds = {
  handoffTimeMs: 350,
  mappingErrorUm: 1.5,
  successRate: 0.98,
};

Deno.test("evaluateAlerts raises handoff_time when the mean is above the threshold", () => {
  const result = evaluateAlerts(
    windowStats({ avgHandoffMs: 351 }),
    [],
    THRESHOLDS,
  );

  assert.deepEqual(result.raise.map((change) => change.kind), ["handoff_time"]);
  assert.equal(result.raise[0].value, 351);
  assert.equal(result.raise[0].threshold, 350);
  assert.match(result.raise[0].message, /351\.0 ms .* 350 ms/);
  assert.deepEqual(result.active, ["handoff_time"]);
});

Deno.test("evaluateAlerts keeps handoff_time active until the mean falls to 90 % of the threshold", () => {
  const hovering = evaluateAlerts(
    windowStats({ avgHandoffMs: 320 }),
    ["handoff_time"],
    THRESHOLDS,
  );
  assert.deepEqual(hovering.clear, []);
  assert.deepEqual(hovering.active, ["handoff_time"]);

  const recovered = evaluateAlerts(
    windowStats({ avgHandoffMs: 315 }),
    ["handoff_time"],
    THRESHOLDS,
  );
  assert.deepEqual(recovered.clear.map((change) => change.kind), [
    "handoff_time",
  ]);
  assert.deepEqual(recovered.active, []);
});

Deno.test("evaluateAlerts raises and clears mapping_error with the same hysteresis", () => {
  const raised = evaluateAlerts(
    windowStats({ avgMappingErrorUm: 1.6 }),
    [],
    THRESHOLDS,
  );
  assert.deepEqual(raised.active, ["mapping_error"]);

  const still = evaluateAlerts(
    windowStats({ avgMappingErrorUm: 1.4 }),
    ["mapping_error"],
    THRESHOLDS,
  );
  assert.deepEqual(still.active, ["mapping_error"]);

  const cleared = evaluateAlerts(
    windowStats({ avgMappingErrorUm: 1.35 }),
    ["mapping_error"],
    THRESHOLDS,
  );
  assert.deepEqual(cleared.active, []);
});

Deno.test("evaluateAlerts clears success_rate only at the threshold plus 0.01", () => {
  const raised = evaluateAlerts(
    windowStats({ successRate: 0.97 }),
    [],
    THRESHOLDS,
  );
  assert.deepEqual(raised.active, ["success_rate"]);

  const atThreshold = evaluateAlerts(
    windowStats({ successRate: 0.98 }),
    ["success_rate"],
    THRESHOLDS,
  );
  assert.deepEqual(atThreshold.active, ["success_rate"]);

  const cleared = evaluateAlerts(
    windowStats({ successRate: 0.99 }),
    ["success_rate"],
    THRESHOLDS,
  );
  assert.deepEqual(cleared.clear.map((change) => change.kind), [
    "success_rate",
  ]);
});

Deno.test("evaluateAlerts clears a success_rate threshold of 1 at a perfect rate", () => {
  const cleared = evaluateAlerts(
    windowStats({ successRate: 1 }),
    ["success_rate"],
    { ...THRESHOLDS, successRate: 1 },
  );
  assert.deepEqual(cleared.active, []);
});

Deno.test("evaluateAlerts changes nothing on a window with too few handoffs", () => {
  const result = evaluateAlerts(
    windowStats({ count: 9, avgHandoffMs: 900, successRate: 0.5 }),
    ["mapping_error"],
    THRESHOLDS,
  );
  assert.deepEqual(result, {
    raise: [],
    clear: [],
    active: ["mapping_error"],
  });
});

Deno.test("evaluateAlerts leaves an alert alone when the window cannot give its value", () => {
  const result = evaluateAlerts(
    windowStats({ avgMappingErrorUm: null }),
    ["mapping_error"],
    THRESHOLDS,
  );
  assert.deepEqual(result.active, ["mapping_error"]);
  assert.deepEqual(result.clear, []);
});
