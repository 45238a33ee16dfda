import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfigFile } from "../../config/load.ts";
import { deriveDenoFlags } from "../../permissions/derive_flags.ts";
import { openPseudoTerminal } from "../../serial/pty.ts";
import type { Attempts } from "./_confined_child.ts";

const CHILD = new URL("./_confined_child.ts", import.meta.url).pathname;

/** The sample's lenses and simulated devices, every path under `allowed`. */
function configYaml(allowed: string): string {
  return `system:
  name: "Permission test"
hardware:
  lens_turret: { driver: "simulated", switch_time_ms: 25 }
  focus_motor: { driver: "simulated", precision_um: 0.01, speed_um_per_s: 500 }
  illumination:
    driver: "simulated"
    max_brightness: 255
    default_brightness: 128
  camera: {}
lenses:
  lens_a:
    name: "A"
    magnification: 20
    na: 0.4
    z_range_um: [-20, 20]
    focus_speed_um_per_s: 500
    settle_time_ms: 5
  lens_b:
    name: "B"
    magnification: 60
    na: 1.2
    z_range_um: [-15, 15]
    focus_speed_um_per_s: 300
    settle_time_ms: 8
maintenance:
  backup: { location: "${allowed}/backups" }
security:
  enable_api_auth: true
  api_key: "\${AUTOFOCUS_TEST_KEY}"
server: { host: "127.0.0.1", port: 18080 }
paths:
  data_dir: "${allowed}/data"
  log_dir: "${allowed}/logs"
  calibration_file: "${allowed}/data/calibration.json"
`;
}

interface Sandbox extends AsyncDisposable {
  dir: string;
  configPath: string;
  attempts: Attempts;
}

/** A temp folder with a config whose paths all live under `dir/allowed`. */
async function sandbox(): Promise<Sandbox> {
  const dir = await Deno.makeTempDir({ prefix: "autofocus_perm_" });
  const allowed = join(dir, "allowed");
  await Deno.mkdir(join(dir, "outside"));
  const outsideFile = join(dir, "outside", "secret.txt");
  await Deno.writeTextFile(outsideFile, "not for the service");

  const configPath = join(dir, "config.yaml");
  await Deno.writeTextFile(configPath, configYaml(allowed));
  await Deno.mkdir(join(allowed, "data"), { recursive: true });

  return {
    dir,
    configPath,
    attempts: {
      configPath,
      insideFile: join(allowed, "data", "probe.txt"),
      outsideFile,
      allowedEnv: "AUTOFOCUS_TEST_KEY",
      forbiddenEnv: "HOME",
      forbiddenPort: 18081,
    },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

async function runConfined(
  flags: string[],
  attempts: Attempts,
): Promise<Record<string, string>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...flags, CHILD, JSON.stringify(attempts)],
    env: { AUTOFOCUS_TEST_KEY: "k-for-tests", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, `child failed: ${stderr}`);
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

Deno.test("a process run with derived flags cannot read or write outside its paths", async () => {
  await using box = await sandbox();
  const config = await loadConfigFile(box.configPath, () => "k");
  const flags = deriveDenoFlags(config, {
    command: "serve",
    configPath: box.configPath,
  });

  const results = await runConfined(flags, box.attempts);

  assert.deepEqual(results, {
    loadConfig: "ok",
    loadChartAssets: "ok",
    writeInside: "ok",
    readOutside: "NotCapable",
    writeOutside: "NotCapable",
    readAllowedEnv: "ok",
    readForbiddenEnv: "NotCapable",
    connectElsewhere: "NotCapable",
    runProgram: "NotCapable",
  });
  assert.equal(
    await Deno.readTextFile(box.attempts.outsideFile),
    "not for the service",
  );
});

Deno.test("derived flags let a serial command open its configured port through the binding", async () => {
  const pty = openPseudoTerminal();
  try {
    await using box = await sandbox();
    const yaml = (await Deno.readTextFile(box.configPath)).replace(
      'lens_turret: { driver: "simulated",',
      `lens_turret: { driver: "motorized_turret_v2", port: "${pty.path}",`,
    );
    await Deno.writeTextFile(box.configPath, yaml);
    const config = await loadConfigFile(box.configPath, () => "k");
    const flags = deriveDenoFlags(config, {
      command: "serve",
      configPath: box.configPath,
    });
    const received = readLine(pty).catch((error: Error) => error.message);

    const results = await runConfined(flags, {
      ...box.attempts,
      serialPort: pty.path,
    });

    assert.equal(results.openSerialPort, "ok");
    assert.equal(results.readOutside, "NotCapable");
    assert.equal(results.runProgram, "NotCapable");
    assert.equal(await received, "INIT\n");
  } finally {
    await pty.close();
  }
});

async function readLine(
  pty: { read(target: Uint8Array): Promise<number> },
): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  const buffer = new Uint8Array(64);
  while (!text.includes("\n")) {
    const count = await pty.read(buffer);
    text += decoder.decode(buffer.subarray(0, count));
  }
  return text;
}
