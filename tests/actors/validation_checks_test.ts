import assert from "node:assert/strict";
import { RealClock, SimulatedClock } from "../../domain/clock.ts";
import type { Config } from "../../config/schema.ts";
import {
  diskSpaceCheck,
  pathCheck,
  runtimeCheck,
  runValidation,
  securityCheck,
  type ValidationReport,
} from "../../actors/validation_checks.ts";
import { testConfig } from "./_service_fixture.ts";

/** A free loopback port for the listen check. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

function simulatorConfig(dir: string): Config {
  const config = testConfig(dir, 8);
  config.server.port = freePort();
  config.maintenance.backup.location = `${dir}/backups`;
  return config;
}

const plentyOfSpace = () => Promise.resolve(500e9);

function byName(report: ValidationReport, name: string) {
  const check = report.checks.find((check) => check.name === name);
  assert.ok(check, `no check named ${name}`);
  return check;
}

Deno.test("validate passes every check on the simulator, creating the data folders", async () => {
  const dir = await Deno.makeTempDir();
  const report = await runValidation(simulatorConfig(dir), {
    clock: new SimulatedClock(),
    freeBytes: plentyOfSpace,
  });

  const failures = report.checks.filter((check) => !check.pass);
  assert.deepEqual(failures, []);
  assert.equal(report.passed, true);
  assert.deepEqual(report.checks.map((check) => check.name), [
    "runtime",
    "path paths.data_dir",
    "path paths.log_dir",
    "path paths.calibration_file (its folder)",
    "path maintenance.backup.location",
    "listen address",
    "security settings",
    "disk space",
    "turret answers",
    "turret switch time",
    "focus motor answers",
    "focus precision",
    "camera resolution",
    "camera frame rate",
    "illumination range",
    "temperature sensor",
  ]);
  assert.match(
    byName(report, "turret switch time").detail,
    /A->B 25\.0 ms, B->A 25\.0 ms \(limit 50 ms\)/,
  );
  assert.match(
    byName(report, "focus precision").detail,
    /worst error 0\.0\d\d um/,
  );
  assert.match(
    byName(report, "camera resolution").detail,
    /2048x1536 \(3\.1 MP/,
  );
  assert.match(
    byName(report, "illumination range").detail,
    /levels 0, 255, 128/,
  );
  assert.ok((await Deno.stat(`${dir}/logs`)).isDirectory);
  assert.ok(report.checks.every((check) => check.fix === null));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("validate fails on a turret port that does not exist, naming the port and the fix", async () => {
  const dir = await Deno.makeTempDir();
  const config = simulatorConfig(dir);
  const port = `${dir}/ttyUSB9`;
  config.hardware.lens_turret = {
    ...config.hardware.lens_turret,
    driver: "motorized_turret_v2",
    port,
  };

  // Opening a real port is real I/O: a simulated clock would run the
  // check's timeout out before the open could fail.
  const report = await runValidation(config, {
    clock: new RealClock(),
    freeBytes: plentyOfSpace,
  });

  assert.equal(report.passed, false);
  const portCheck = byName(report, "port hardware.lens_turret.port");
  assert.equal(portCheck.pass, false);
  assert.equal(portCheck.detail, `${port} does not exist`);
  assert.match(
    portCheck.fix ?? "",
    /Connect the lens turret .* or set hardware\.lens_turret\.port/,
  );
  const answers = byName(report, "turret answers");
  assert.equal(answers.pass, false);
  assert.match(
    answers.detail,
    new RegExp(`Cannot open the turret port ${port}`),
  );
  assert.match(answers.fix ?? "", /hardware\.lens_turret/);
  assert.equal(byName(report, "turret switch time").pass, false);
  assert.equal(byName(report, "focus precision").pass, true);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a slow turret fails the 50 ms switch check with its time", async () => {
  const dir = await Deno.makeTempDir();
  const config = simulatorConfig(dir);
  config.hardware.lens_turret.switch_time_ms = 80;

  const report = await runValidation(config, {
    clock: new SimulatedClock(),
    freeBytes: plentyOfSpace,
  });

  const switchCheck = byName(report, "turret switch time");
  assert.equal(switchCheck.pass, false);
  assert.match(switchCheck.fix ?? "", /needs 80\.0 ms to switch/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the environment checks fail with a fix on an old runtime, a file in a folder's place, too little disk and open auth on the network", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/occupied`, "");
  const config = simulatorConfig(dir);
  config.server.host = "0.0.0.0";

  const runtime = runtimeCheck("1.46.3");
  const path = await pathCheck("paths.data_dir", `${dir}/occupied`);
  const disk = await diskSpaceCheck(dir, 100e9, () => Promise.resolve(79e9));
  const unreadable = await diskSpaceCheck(
    dir,
    100e9,
    () => Promise.reject(new Deno.errors.NotCapable("Requires sys access")),
  );
  const security = securityCheck(config);

  assert.equal(runtime.pass, false);
  assert.match(runtime.fix ?? "", /Install Deno 2\.9\.0 or newer/);
  assert.equal(path.pass, false);
  assert.equal(path.detail, `${dir}/occupied is not a folder`);
  assert.equal(disk.pass, false);
  assert.equal(disk.detail, `79.0 GB free under ${dir}, below 100.0 GB`);
  assert.match(unreadable.fix ?? "", /--allow-sys=statfs/);
  assert.equal(security.pass, false);
  assert.match(security.detail, /anyone who reaches the port/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("an allowlist that shuts out the only address the service listens on fails the security check", () => {
  const config = simulatorConfig("/tmp/unused");
  config.server.host = "127.0.0.1";
  config.security.allowed_ips = ["192.168.1.0/24", "10.0.0.0/8"];

  const security = securityCheck(config);

  assert.equal(security.pass, false);
  assert.match(security.detail, /would get 403/);
  assert.match(security.fix ?? "", /127\.0\.0\.0\/8/);

  config.security.allowed_ips.push("127.0.0.0/8");
  assert.equal(securityCheck(config).pass, true);
});
