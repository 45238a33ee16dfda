import assert from "node:assert/strict";
import { parseConfig } from "../../config/load.ts";
import type { Config } from "../../config/schema.ts";
import { DEFAULT_CONFIG_YAML } from "../../config/default_config.ts";
import {
  configVariables,
  deriveDenoFlags,
  type DeriveFlagsOptions,
  derivePermissions,
} from "../../permissions/derive_flags.ts";
import {
  compileArgs,
  formatLaunchCommand,
  shellQuote,
} from "../../permissions/launch.ts";

const SAMPLE_PATH = "/work/shared/fixtures/production.yaml";
const SAMPLE_TEXT = Deno.readTextFileSync(SAMPLE_PATH);
const LIBC = "/lib/x86_64-linux-gnu/libc.so.6";
const NATIVE = "/srv/nm/@serialport/bindings-cpp/prebuilds/linux-x64/b.node";
const NATIVE_DIR = "/srv/nm/@serialport/bindings-cpp";
const CHARTS = "/srv/nm/uplot/dist";
const PAGES = "/opt/autofocus/http/dashboard/static";

const fixedFiles: Pick<DeriveFlagsOptions, "serialFiles" | "dashboardDirs"> = {
  serialFiles: () => ({ ffi: [LIBC, NATIVE], read: [NATIVE_DIR] }),
  dashboardDirs: () => [PAGES, CHARTS],
};

function sample(edit: (text: string) => string = (text) => text): Config {
  return parseConfig(edit(SAMPLE_TEXT), "sample", () => "secret-value");
}

function optionsFor(
  command: DeriveFlagsOptions["command"],
  configText = SAMPLE_TEXT,
): DeriveFlagsOptions {
  return {
    command,
    configPath: "/etc/autofocus/production.yaml",
    configText,
    cwd: "/opt/autofocus",
    ...fixedFiles,
  };
}

Deno.test("serve on the sample config names exactly its paths, devices and hosts", () => {
  const flags = deriveDenoFlags(sample(), optionsFor("serve"));

  assert.deepEqual(flags, [
    "--allow-read=" + [
      "/etc/autofocus/production.yaml",
      "/opt/autofocus/var",
      "/opt/autofocus/backups",
      "/dev/ttyUSB0",
      "/dev/ttyUSB1",
      "/dev/ttyUSB2",
      NATIVE_DIR,
      PAGES,
      CHARTS,
    ].join(","),
    "--allow-write=" + [
      "/opt/autofocus/var",
      "/opt/autofocus/backups",
      "/dev/ttyUSB0",
      "/dev/ttyUSB1",
      "/dev/ttyUSB2",
    ].join(","),
    "--allow-net=127.0.0.1:8080,monitor.bloodwork-ai.com:443",
    "--allow-env=TELEMETRY_API_KEY,API_KEY,LOG_TOKENS,LOG_STREAM",
    `--allow-ffi=${LIBC},${NATIVE}`,
  ]);
});

Deno.test("deriveDenoFlags never grants everything or programs, and system data only to validate's disk check", () => {
  for (
    const command of [
      "serve",
      "handoff",
      "validate",
      "diagnose",
      "calibrate",
      "emulate",
      "backup",
      "restore",
      "recover",
    ] as const
  ) {
    const flags = deriveDenoFlags(sample(), optionsFor(command));
    for (
      const flag of flags.filter((flag) => !flag.startsWith("--allow-sys"))
    ) {
      assert.match(flag, /^--allow-(read|write|net|env|ffi)=[^=]+$/, flag);
    }
    assert.deepEqual(
      flags.filter((flag) => flag.startsWith("--allow-sys")),
      command === "validate" ? ["--allow-sys=statfs"] : [],
      command,
    );
  }
});

Deno.test("separate data paths are each named and nested ones folded", () => {
  const config = sample((text) =>
    text + `
paths:
  data_dir: "/var/lib/autofocus"
  log_dir: "/var/log/autofocus"
  calibration_file: "/var/lib/autofocus/cal/calibration.json"
`
  );

  const permissions = derivePermissions(config, optionsFor("backup"));

  assert.deepEqual(permissions.write, [
    "/var/lib/autofocus",
    "/var/log/autofocus",
    "/opt/autofocus/backups",
  ]);
  assert.deepEqual(permissions.net, []);
  assert.deepEqual(permissions.ffi, []);
});

Deno.test("a simulated scanner gets no FFI, no device and no telemetry host", () => {
  const config = parseConfig(DEFAULT_CONFIG_YAML, "default", () => undefined);

  const permissions = derivePermissions(config, {
    command: "serve",
    cwd: "/opt/autofocus",
    ...fixedFiles,
  });

  assert.deepEqual(permissions.ffi, []);
  assert.deepEqual(permissions.net, ["127.0.0.1:8080"]);
  assert.deepEqual(permissions.env, ["LOG_TOKENS", "LOG_STREAM"]);
  assert.deepEqual(permissions.read, ["/opt/autofocus/var", PAGES, CHARTS]);
  assert.deepEqual(permissions.write, ["/opt/autofocus/var"]);
});

Deno.test("emulate needs libc alone and no data path", () => {
  const permissions = derivePermissions(sample(), optionsFor("emulate"));

  assert.deepEqual(permissions.read, ["/etc/autofocus/production.yaml"]);
  assert.deepEqual(permissions.write, []);
  assert.deepEqual(permissions.net, []);
  assert.equal(permissions.ffi.length, 1);
  assert.match(permissions.ffi[0], /libc\.so\.6$/);
});

Deno.test("restore may write the configuration file back; serve may not", () => {
  const restore = derivePermissions(sample(), optionsFor("restore"));
  const serve = derivePermissions(sample(), optionsFor("serve"));

  assert(restore.write.includes("/etc/autofocus/production.yaml"));
  assert(!serve.write.includes("/etc/autofocus/production.yaml"));
});

Deno.test("the listen address, an IPv6 host and the inspector are named", () => {
  const config = sample((text) =>
    text + `
server:
  host: "::1"
  port: 9443
`
  );

  const permissions = derivePermissions(config, {
    ...optionsFor("serve"),
    inspectUrl: "ws://127.0.0.1:4242/inspect",
  });

  assert.deepEqual(permissions.net, [
    "[::1]:9443",
    "monitor.bloodwork-ai.com:443",
    "127.0.0.1:4242",
  ]);
});

Deno.test("disabled telemetry drops the telemetry host", () => {
  const config = sample((text) =>
    text.replace(
      "telemetry:\n    enable: true",
      "telemetry:\n    enable: false",
    )
  );

  const permissions = derivePermissions(config, optionsFor("serve"));

  assert.deepEqual(permissions.net, ["127.0.0.1:8080"]);
});

Deno.test("configVariables lists each ${VAR} once in order of use", () => {
  assert.deepEqual(
    configVariables({ configText: "a: ${B}\nc: ${A_1}-${B}\nd: $NOT" }),
    ["B", "A_1"],
  );
});

Deno.test("a path with a comma is refused with the path named", () => {
  const config = sample((text) =>
    text.replace("/opt/autofocus/backups", "/opt/a,b/backups")
  );

  assert.throws(
    () => deriveDenoFlags(config, optionsFor("backup")),
    /"\/opt\/a,b\/backups".*comma/,
  );
});

Deno.test("formatLaunchCommand prints a runnable, quoted deno run line", () => {
  const config = parseConfig(DEFAULT_CONFIG_YAML, "default", () => undefined);

  const line = formatLaunchCommand(config, {
    command: "serve",
    configPath: "/etc/auto focus.yaml",
    configText: DEFAULT_CONFIG_YAML,
    cwd: "/opt/autofocus",
    denoPath: "/usr/local/bin/deno",
    ...fixedFiles,
  });

  assert.equal(
    line,
    "/usr/local/bin/deno run --no-prompt " +
      `'--allow-read=/etc/auto focus.yaml,/opt/autofocus/var,${PAGES},${CHARTS}' ` +
      "--allow-write=/opt/autofocus/var --allow-net=127.0.0.1:8080 " +
      "--allow-env=LOG_TOKENS,LOG_STREAM " +
      "main.ts serve --config '/etc/auto focus.yaml'",
  );
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});

Deno.test("compileArgs bakes the same flags, the read-only assets and the command in", () => {
  const config = parseConfig(DEFAULT_CONFIG_YAML, "default", () => undefined);
  const options = {
    command: "serve" as const,
    configPath: "/etc/autofocus.yaml",
    configText: DEFAULT_CONFIG_YAML,
    cwd: "/opt/autofocus",
    ...fixedFiles,
  };

  const args = compileArgs(config, options);

  assert.deepEqual(args, [
    "deno",
    "compile",
    "--no-prompt",
    ...deriveDenoFlags(config, options),
    "--include",
    "node_modules/uplot/dist",
    "--include",
    "http/dashboard/static",
    "--output",
    "dist/autofocus",
    "main.ts",
    "serve",
    "--config",
    "/etc/autofocus.yaml",
  ]);
});

Deno.test("only serve may read the dashboard's page and chart library", () => {
  for (const command of ["validate", "recover", "handoff"] as const) {
    const read = derivePermissions(sample(), optionsFor(command)).read;
    assert.ok(!read.includes(PAGES) && !read.includes(CHARTS), command);
  }
  const served = derivePermissions(sample(), optionsFor("serve")).read;
  assert.ok(served.includes(PAGES) && served.includes(CHARTS));
});
