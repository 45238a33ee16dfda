import assert from "node:assert/strict";
import {
  defaultConfig,
  loadConfigFile,
  parseConfig,
} from "../../config/load.ts";
import { ConfigError } from "../../config/errors.ts";

const SAMPLE = new URL(
  "../../../shared/fixtures/production.yaml",
  import.meta.url,
);
const sampleEnv = (name: string) =>
  ({ API_KEY: "secret-key", TELEMETRY_API_KEY: "tele-key" })[name];

function configErrorOf(work: () => unknown): ConfigError {
  try {
    work();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

Deno.test("the deployment guide's sample loads unchanged when its variables are set", async () => {
  const config = await loadConfigFile(SAMPLE.pathname, sampleEnv);

  assert.deepEqual(config.system.optimization_level, "ULTRA_FAST");
  assert.deepEqual(config.hardware.lens_turret.driver, "motorized_turret_v2");
  assert.deepEqual(config.hardware.focus_motor.port, "/dev/ttyUSB1");
  assert.deepEqual(config.lenses.lens_b.z_range_um, [-15, 15]);
  assert.deepEqual(config.security.api_key, "secret-key");
  assert.deepEqual(config.monitoring.telemetry.api_key, "tele-key");
  assert.deepEqual(
    config.maintenance.backup.location,
    "/opt/autofocus/backups",
  );
});

Deno.test("the embedded default describes the simulator with the sample's lenses", async () => {
  const sample = await loadConfigFile(SAMPLE.pathname, sampleEnv);
  const config = defaultConfig(() => undefined);

  assert.deepEqual(config.hardware.lens_turret.driver, "simulated");
  assert.deepEqual(config.lenses, sample.lenses);
  assert.deepEqual(
    config.hardware.lens_turret.switch_time_ms,
    sample.hardware.lens_turret.switch_time_ms,
  );
  assert.deepEqual(config.server, { host: "127.0.0.1", port: 8080 });
});

Deno.test("a missing variable names the key, its line and the variable", async () => {
  const text = await Deno.readTextFile(SAMPLE);
  const error = configErrorOf(() =>
    parseConfig(
      text,
      "production.yaml",
      (name) => name === "API_KEY" ? "k" : undefined,
    )
  );

  assert.deepEqual(error.issues.length, 1);
  assert.deepEqual(error.issues[0].key, "monitoring.telemetry.api_key");
  assert.deepEqual(error.issues[0].line, 80);
  assert.match(error.message, /TELEMETRY_API_KEY not set/);
});

Deno.test("bad values are each reported with key, line, what was found and what is allowed", async () => {
  const text = (await Deno.readTextFile(SAMPLE))
    .replace("speed_um_per_s: 500", "speed_um_per_s: -5")
    .replace('driver: "led_controller"', 'driver: "led_x"')
    .replace("z_range_um: [-15.0, 15.0]", "z_range_um: [5, 5]")
    .replace("exposure_ms: 10", 'exposure_ms: "ten"');
  const error = configErrorOf(() => parseConfig(text, "bad.yaml", sampleEnv));
  const byKey = Object.fromEntries(
    error.issues.map((issue) => [issue.key, issue]),
  );

  assert.deepEqual(byKey["hardware.focus_motor.speed_um_per_s"].line, 26);
  assert.deepEqual(byKey["hardware.focus_motor.speed_um_per_s"].found, "-5");
  assert.match(byKey["hardware.illumination.driver"].allowed, /led_controller/);
  assert.deepEqual(byKey["hardware.illumination.driver"].found, '"led_x"');
  assert.match(byKey["lenses.lens_b.z_range_um"].allowed, /empty/);
  assert.deepEqual(byKey["hardware.camera.exposure_ms"].line, 14);
  assert(error.message.startsWith("Cannot use configuration bad.yaml"));
});

Deno.test("a misspelt key is refused with its line", () => {
  const text = "system:\n  name: x\n  nmae: y\n";
  const error = configErrorOf(() =>
    parseConfig(text, "typo.yaml", () => undefined)
  );
  const typo = error.issues.find((issue) => issue.key === "system.nmae");

  assert(typo, error.message);
  assert.deepEqual(typo.line, 3);
});

Deno.test("text that is not YAML is refused with its line", () => {
  const error = configErrorOf(() =>
    parseConfig("system: [\n", "broken.yaml", () => undefined)
  );

  assert.deepEqual(error.issues[0].key, "(document)");
  assert(error.issues[0].line !== undefined);
});

Deno.test("a default brightness above the maximum, a blank API key and an empty path are refused by key", () => {
  const text = `system:
  name: x
hardware:
  camera: {}
  lens_turret: { driver: simulated, switch_time_ms: 25 }
  focus_motor: { driver: simulated, precision_um: 0.01, speed_um_per_s: 500 }
  illumination: { driver: simulated, max_brightness: 100, default_brightness: 200 }
lenses:
  lens_a: { name: A, magnification: 20, na: 0.4, z_range_um: [-20, 20], focus_speed_um_per_s: 500, settle_time_ms: 5 }
  lens_b: { name: B, magnification: 60, na: 1.2, z_range_um: [-15, 15], focus_speed_um_per_s: 300, settle_time_ms: 8 }
security: { enable_api_auth: true, api_key: "   " }
paths: { data_dir: "" }
`;
  const error = configErrorOf(() =>
    parseConfig(text, "bad.yaml", () => undefined)
  );
  const keys = error.issues.map((issue) => issue.key).sort();

  assert.deepEqual(keys, [
    "hardware.illumination.default_brightness",
    "paths.data_dir",
    "security.api_key",
  ]);
});
