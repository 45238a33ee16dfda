import assert from "node:assert/strict";
import { loadConfigFile, parseConfig } from "../../config/load.ts";
import { DEFAULT_CONFIG_YAML } from "../../config/default_config.ts";
import {
  parseFaultSwitch,
  serialConfigSnippet,
  serialConfigYaml,
} from "../../cli/_emulated_config.ts";
import { UsageError } from "../../cli/output.ts";
import { writeTrueCalibration } from "../integration/_serial_service.ts";
import {
  derivedCommand,
  freePort,
  REPO,
  writeSimulatorConfig,
} from "./_derived_flags.ts";

const PORTS = {
  turret: "/run/emulator/turret",
  focus: "/run/emulator/focus",
  illumination: "/run/emulator/illumination",
};

Deno.test("--fault reads DEVICE:KIND[:TIMES[:COMMAND]]", () => {
  assert.deepEqual(parseFaultSwitch("turret:error"), {
    device: "turret",
    fault: { kind: "error" },
  });
  assert.deepEqual(parseFaultSwitch("focus:split:3:MOV?"), {
    device: "focus",
    fault: { kind: "split", times: 3, on: "MOV?" },
  });
  assert.deepEqual(parseFaultSwitch("turret:silent:always:INIT"), {
    device: "turret",
    fault: { kind: "silent", times: Infinity, on: "INIT" },
  });
});

Deno.test("--fault names what it accepts when the device, kind or count is wrong", () => {
  assert.throws(() => parseFaultSwitch("camera:error"), {
    name: "UsageError",
    message: /device must be one of turret, focus, illumination/,
  });
  assert.throws(() => parseFaultSwitch("turret:explode"), {
    message: /kind must be one of drop, error, stray/,
  });
  assert.throws(() => parseFaultSwitch("focus:drop:0"), UsageError);
  assert.throws(() => parseFaultSwitch("focus:drop:-2"), /TIMES must be/);
});

Deno.test("the written configuration points the serial drivers at the ports and keeps the rest", () => {
  const text = serialConfigYaml(DEFAULT_CONFIG_YAML, PORTS);

  const config = parseConfig(text, "emulated", () => undefined);
  const base = parseConfig(DEFAULT_CONFIG_YAML, "default", () => undefined);
  assert.deepEqual(config.hardware.lens_turret, {
    ...base.hardware.lens_turret,
    driver: "motorized_turret_v2",
    port: PORTS.turret,
  });
  assert.equal(config.hardware.focus_motor.driver, "piezo_focus_v3");
  assert.equal(config.hardware.focus_motor.port, PORTS.focus);
  assert.equal(config.hardware.illumination.driver, "led_controller");
  assert.equal(config.hardware.illumination.port, PORTS.illumination);
  assert.deepEqual(config.lenses, base.lenses);
  assert.match(text, /^# Simulated dual-lens scanner/, "comments kept");
});

Deno.test("the printed snippet is YAML with the three drivers and ports", () => {
  const snippet = serialConfigSnippet(PORTS);

  assert.match(
    snippet,
    /lens_turret:\n {4}driver: "motorized_turret_v2"\n {4}port: "\/run\/emulator\/turret"/,
  );
  assert.match(snippet, /focus_motor:\n {4}driver: "piezo_focus_v3"/);
  assert.match(snippet, /illumination:\n {4}driver: "led_controller"/);
});

/** Collects a child's output and waits for what it prints. */
class Output {
  text = "";
  readonly done: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = (async () => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        this.text += chunk;
        for (const wake of this.#waiters.splice(0)) wake();
      }
      for (const wake of this.#waiters.splice(0)) wake();
    })();
  }

  async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    for (;;) {
      const match = this.text.match(pattern);
      if (match) return match;
      const more = new Promise<void>((wake) => this.#waiters.push(wake));
      await Promise.race([
        more,
        this.done.then(() => {
          if (!this.text.match(pattern)) {
            throw new Error(
              `Exited without printing ${pattern}:\n${this.text}`,
            );
          }
        }),
      ]);
    }
  }
}

function spawn(argv: string[]) {
  const [executable, ...args] = argv;
  const child = new Deno.Command(executable, {
    args,
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return {
    child,
    stdout: new Output(child.stdout),
    stderr: new Output(child.stderr),
  };
}

/** The `emulate` task's command line from deno.json, on this runtime. */
async function emulateTask(): Promise<string[]> {
  const denoJson = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`));
  const [deno, ...args] = (denoJson.tasks.emulate as string).split(" ");
  assert.equal(deno, "deno");
  return [Deno.execPath(), ...args];
}

Deno.test("serve --config on the file that emulate wrote, under the task's flags, hands off over the emulated ports", async () => {
  // The task may write ./var only, so the run lives in a folder there.
  const dir = `${REPO}/var/test-emulate-${crypto.randomUUID()}`;
  await Deno.mkdir(dir, { recursive: true });
  const port = freePort();
  const baseConfig = await writeSimulatorConfig(dir, port);
  const emulatedConfig = `${dir}/emulated.yaml`;
  const emulate = spawn([
    ...await emulateTask(),
    "--config",
    baseConfig,
    "--link-dir",
    `${dir}/ports`,
    "--write-config",
    emulatedConfig,
    "--json",
  ]);
  let serve: ReturnType<typeof spawn> | undefined;
  try {
    await emulate.stderr.waitFor(/Running until/);
    const ports = JSON.parse(emulate.stdout.text);
    assert.deepEqual(Object.keys(ports), ["turret", "focus", "illumination"]);
    assert.equal(ports.turret, `${dir}/ports/turret`);
    assert.match(await Deno.readLink(ports.turret), /^\/dev\/pts\/\d+$/);
    const config = await loadConfigFile(emulatedConfig);
    assert.equal(config.hardware.lens_turret.driver, "motorized_turret_v2");
    assert.equal(config.hardware.lens_turret.port, ports.turret);
    await writeTrueCalibration(config);

    serve = spawn(await derivedCommand("serve", emulatedConfig));
    await serve.stdout.waitFor(/Controller ready/);
    const response = await fetch(
      `http://127.0.0.1:${port}/handoff?z_source=2`,
      { method: "POST" },
    );
    const result = await response.json();

    assert.equal(response.status, 200, JSON.stringify(result));
    assert.equal(result.success, true);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal((await health.json()).status, "healthy");
  } finally {
    if (serve) {
      serve.child.kill("SIGTERM");
      await Promise.all([serve.stdout.done, serve.stderr.done]);
      assert.equal((await serve.child.status).code, 0, serve.stderr.text);
    }
    emulate.child.kill("SIGTERM");
    await Promise.all([emulate.stdout.done, emulate.stderr.done]);
    const status = await emulate.child.status;
    await Deno.remove(dir, { recursive: true }).catch(() => undefined);
    assert.equal(status.code, 0, emulate.stderr.text);
    assert.match(emulate.stderr.text, /Stopping the emulators/);
  }
});
