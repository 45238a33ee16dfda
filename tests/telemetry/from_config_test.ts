import assert from "node:assert/strict";
import { parseConfig } from "../../config/load.ts";
import { SimulatedClock } from "../../domain/clock.ts";
import { telemetryOptionsFromConfig } from "../../telemetry/from_config.ts";

const SAMPLE = await Deno.readTextFile(
  new URL("../../../shared/fixtures/production.yaml", import.meta.url),
);

Deno.test("telemetry options come from the sample's telemetry section with the key from the environment", () => {
  const config = parseConfig(
    SAMPLE,
    "production.yaml",
    (name) => `value-of-${name}`,
  );
  const clock = new SimulatedClock();

  const options = telemetryOptionsFromConfig(config, { clock });

  assert.equal(options?.apiKey, "value-of-TELEMETRY_API_KEY");
  assert.equal(options?.uploadIntervalMs, 60_000);
  assert.equal(options?.scannerName, "Hematology Scanner #1");
  assert.equal(options?.bufferPath, "var/telemetry_buffer.jsonl");
});

Deno.test("telemetry options are null when telemetry is switched off", () => {
  const config = parseConfig(SAMPLE, "production.yaml", () => "x");
  const off = {
    ...config,
    monitoring: {
      ...config.monitoring,
      telemetry: { ...config.monitoring.telemetry, enable: false },
    },
  };
  assert.equal(
    telemetryOptionsFromConfig(off, { clock: new SimulatedClock() }),
    null,
  );
});
