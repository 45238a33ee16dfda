import assert from "node:assert/strict";
import { defaultConfig } from "../../config/load.ts";
import { ConfigError } from "../../config/errors.ts";
import {
  DeviceDisconnectedError,
  DeviceFaultError,
  DeviceTimeoutError,
} from "../../drivers/errors.ts";
import {
  adviseOnDeviceError,
  adviseOnDeviceMessage,
  type PortKind,
  portKind,
} from "../../actors/device_diagnosis.ts";
import {
  probeDevices,
  serviceDeviceReports,
} from "../../actors/diagnostics.ts";
import { startEmulators } from "../../emulator/start_emulators.ts";

const TURRET = {
  device: "turret" as const,
  port: "/dev/ttyUSB0",
  baudRate: 115200,
  portSetting: "hardware.lens_turret.port",
};

function cannotOpen(cause: string) {
  return new DeviceDisconnectedError(
    "turret",
    `Cannot open the turret port /dev/ttyUSB0: ${cause}`,
    { cause: new Error(cause) },
  );
}

Deno.test("a device error is named with its likely fix", () => {
  const cases: [unknown, string, RegExp][] = [
    [
      cannotOpen("Permission denied, cannot open /dev/ttyUSB0"),
      "permissions",
      /dialout/,
    ],
    [
      cannotOpen("No such file or directory, cannot open /dev/ttyUSB0"),
      "wrong_port",
      /set hardware\.lens_turret\.port/,
    ],
    [
      new DeviceTimeoutError("turret", "no reply to INIT", 1000),
      "not_answering",
      /powered.*115200 baud/,
    ],
    [
      new DeviceFaultError("turret", "answered JAMMED", "JAMMED"),
      "device_fault",
      /"JAMMED"/,
    ],
    [
      new ConfigError("scanner.yaml", [{
        key: "hardware.lens_turret.port",
        found: "nothing",
        allowed: "a path",
      }]),
      "configuration",
      /hardware\.lens_turret\.port/,
    ],
  ];
  for (const [error, problem, fix] of cases) {
    const advice = adviseOnDeviceError(error, TURRET);
    assert.equal(advice.problem, problem);
    assert.match(advice.likelyFix, fix);
  }
});

Deno.test("a timeout after unreadable bytes is named a wrong baud rate", () => {
  const advice = adviseOnDeviceError(
    new DeviceTimeoutError("turret", "no reply to INIT", 1000),
    { ...TURRET, received: ["\u00fe\u00a7\u0013x"] },
  );
  assert.equal(advice.problem, "wrong_baud");
  assert.match(advice.likelyFix, /115200 baud/);
});

Deno.test("diagnose names a missing serial port and still probes the other devices", async () => {
  const config = defaultConfig(() => undefined);
  config.hardware.lens_turret.driver = "motorized_turret_v2";
  config.hardware.lens_turret.port = "/nonexistent/ttyUSB7";

  const reports = await probeDevices(config);

  const turret = reports.find((report) => report.device === "turret")!;
  assert.equal(turret.problem, "wrong_port");
  assert.equal(turret.connected, false);
  assert.equal(turret.baud_rate, 115200);
  assert.match(turret.likely_fix!, /\/nonexistent\/ttyUSB7 does not exist/);
  assert.ok(
    reports.filter((report) => report.device !== "turret")
      .every((report) => report.healthy),
  );
});

Deno.test("diagnose tells a silent turret from one at the wrong baud rate", async () => {
  const config = defaultConfig(() => undefined);
  const emulators = await startEmulators(config);
  config.hardware.lens_turret.driver = "motorized_turret_v2";
  config.hardware.lens_turret.port = emulators.ports.turret;
  config.hardware.lens_turret.timeout_ms = 200;
  try {
    emulators.faults.turret.inject({ kind: "silent", on: "INIT" });
    const [silent] = await probeDevices(config);
    assert.equal(silent.problem, "not_answering");
    assert.equal(silent.connected, true);

    emulators.faults.turret.inject({
      kind: "error",
      on: "INIT",
      text: "\u00fe\u00a7\u0013x\u00c3",
    });
    const [noisy] = await probeDevices(config);
    assert.equal(noisy.problem, "wrong_baud");
    assert.match(noisy.likely_fix!, /unreadable bytes/);

    const [fine] = await probeDevices(config);
    assert.equal(fine.problem, "ok");
    assert.equal(fine.healthy, true);
  } finally {
    await emulators.close();
  }
});

Deno.test("a running controller's diagnostics name the device its start-up failed on", () => {
  const config = defaultConfig(() => undefined);
  const reports = serviceDeviceReports(config, {
    phase: "fault",
    notice:
      "The focus motor on /dev/ttyUSB1 did not answer *IDN? within 500 ms; check that it is powered",
    states: {},
    lastErrors: {},
  });

  const focus = reports.find((report) => report.device === "focus_motor")!;
  assert.equal(focus.healthy, false);
  assert.equal(focus.problem, "not_answering");
  assert.equal(reports[0].healthy, true);
  const camera = reports.find((report) => report.device === "camera")!;
  assert.equal(camera.healthy, false);
  assert.match(
    camera.likely_fix!,
    /Not reached: start-up stopped at the focus motor/,
  );
});

Deno.test("a port Deno may not open is a permissions problem with the flags to run with, not a cable", () => {
  const refused = cannotOpen("Requires ffi access");
  const notCapable = new DeviceDisconnectedError(
    "turret",
    "Cannot open the turret port /dev/ttyUSB0",
    {
      cause: new Deno.errors.NotCapable(
        'Requires ffi access to "bindings.node", run again with the --allow-ffi flag',
      ),
    },
  );
  const raw = new Deno.errors.NotCapable(
    'Requires read access to "/dev/ttyUSB0", run again with the --allow-read flag',
  );

  for (const error of [refused, notCapable, raw]) {
    const advice = adviseOnDeviceError(error, {
      ...TURRET,
      configFile: "/etc/autofocus/production.yaml",
    });
    assert.equal(advice.problem, "permissions");
    assert.match(
      advice.likelyFix,
      /'main\.ts flags --command diagnose --config \/etc\/autofocus\/production\.yaml' prints/,
    );
    assert.match(advice.likelyFix, /dialout/);
    assert.doesNotMatch(advice.likelyFix, /USB cable/);
  }
});

Deno.test("a port the system refuses is a permissions problem naming the dialout group", () => {
  const advice = adviseOnDeviceError(
    cannotOpen("Permission denied (os error 13)"),
    TURRET,
  );

  assert.equal(advice.problem, "permissions");
  assert.match(advice.likelyFix, /usermod -a -G dialout/);
});

Deno.test("a running service names a refused permission with the serve flags", () => {
  const advice = adviseOnDeviceMessage(
    'Cannot open the turret port /dev/ttyUSB0: Requires ffi access to "x.node", run again with the --allow-ffi flag',
    { ...TURRET, command: "serve" },
  );

  assert.equal(advice.problem, "permissions");
  assert.match(advice.likelyFix, /main\.ts flags --command serve/);
});

Deno.test("a port that is a file, a folder or no terminal is a wrong port, not a disconnection", () => {
  const cases: [unknown, PortKind | undefined, RegExp][] = [
    [
      cannotOpen("Inappropriate ioctl for device setting custom baud rate"),
      "file",
      /is a regular file, not a character device/,
    ],
    [cannotOpen("Is a directory"), "directory", /is a folder/],
    [
      cannotOpen("Inappropriate ioctl for device setting custom baud rate"),
      "char_device",
      /not a serial port \(a character device that is not a terminal\)/,
    ],
    [
      cannotOpen("Inappropriate ioctl for device"),
      undefined,
      /not a serial port \(not a character device\)/,
    ],
  ];
  for (const [error, portKind, fix] of cases) {
    const advice = adviseOnDeviceError(error, { ...TURRET, portKind });
    assert.equal(advice.problem, "wrong_port", String(portKind));
    assert.match(advice.likelyFix, fix);
    assert.match(advice.likelyFix, /hardware\.lens_turret\.port/);
  }
});

Deno.test("a port lost while open is still named a disconnection", () => {
  const advice = adviseOnDeviceError(
    new DeviceDisconnectedError(
      "turret",
      "The turret port /dev/ttyUSB0 went away: read failed; reconnecting",
    ),
    { ...TURRET, portKind: "char_device" },
  );

  assert.equal(advice.problem, "disconnected");
});

Deno.test("diagnose reports a port path that is a regular file as a wrong port without writing to it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "diagnose_port_" });
  const file = `${dir}/ttyUSB0`;
  await Deno.writeTextFile(file, "");
  const config = defaultConfig(() => undefined);
  config.hardware.lens_turret.driver = "motorized_turret_v2";
  config.hardware.lens_turret.port = file;
  try {
    const [turret, ...others] = await probeDevices(config);

    assert.equal(turret.problem, "wrong_port");
    assert.equal(turret.connected, false);
    assert.equal(turret.error, `${file} is not a character device`);
    assert.match(
      turret.likely_fix!,
      /is a regular file, not a character device/,
    );
    assert.equal(await Deno.readTextFile(file), "");
    assert.ok(others.every((report) => report.healthy));
    assert.equal(await portKind(file), "file");
    assert.equal(await portKind("/dev/null"), "char_device");
    assert.equal(await portKind(`${dir}/none`), "missing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
