/**
 * `main.ts emulate`: the turret, piezo and LED emulators on
 * pseudo-terminals, for running the service's serial drivers without the
 * instrument. Prints the three port paths and a configuration that points
 * the serial drivers at them, then runs until SIGINT or SIGTERM.
 *
 * Usage: `emulate [--config FILE] [--link-dir DIR] [--json]
 * [--write-config FILE] [--fault DEVICE:KIND[:TIMES[:COMMAND]]]...
 * [--traffic]`.
 *
 * Permissions: `--allow-ffi` naming libc (pseudo-terminals and the port
 * links are made through it), `--allow-write` for the link folder (created
 * if missing) and the `--write-config` file, `--allow-read` for
 * `--config`.
 *
 * @module
 */

import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CONFIG_YAML } from "../config/default_config.ts";
import { startEmulators } from "../emulator/start_emulators.ts";
import { resolveConfig } from "./config_option.ts";
import {
  parseFaultSwitch,
  serialConfigSnippet,
  serialConfigYaml,
} from "./_emulated_config.ts";
import { print, printJson, say } from "./output.ts";

/** Where the port links go when `--link-dir` is not given. */
export const DEFAULT_LINK_DIR = "var/emulator";

/**
 * Runs the emulators until the process is told to stop.
 *
 * @param args command-line arguments after `emulate`
 * @returns 0 once stopped
 * @throws {UsageError} on a malformed `--fault`
 * @throws {ConfigError} when `--config` is unreadable or invalid
 */
export async function emulateCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      "link-dir": { type: "string", default: DEFAULT_LINK_DIR },
      fault: { type: "string", multiple: true, default: [] },
      json: { type: "boolean", default: false },
      "write-config": { type: "string" },
      traffic: { type: "boolean", default: false },
    },
  });
  const faults = values.fault.map(parseFaultSwitch);
  const config = await resolveConfig(values.config);
  const baseText = values.config === undefined
    ? DEFAULT_CONFIG_YAML
    : await Deno.readTextFile(values.config);
  const linkDir = resolve(values["link-dir"]);
  await Deno.mkdir(linkDir, { recursive: true });

  const emulators = await startEmulators(config, {
    linkDir,
    log: values.traffic ? say : undefined,
  });
  try {
    for (const { device, fault } of faults) {
      emulators.faults[device].inject(fault);
    }
    const ports = emulators.ports;
    say(`Emulating ${config.system.name}:`);
    say(`  turret (motorized_turret_v2)  ${ports.turret}`);
    say(`  piezo  (piezo_focus_v3)       ${ports.focus}`);
    say(`  LED    (led_controller)       ${ports.illumination}`);
    for (const { device, fault } of faults) {
      say(`  fault: ${device} ${fault.kind} x${fault.times ?? 1}`);
    }
    const configPath = values["write-config"];
    if (configPath !== undefined) {
      await Deno.writeTextFile(configPath, serialConfigYaml(baseText, ports));
      say(`Wrote ${configPath}: run 'main.ts serve --config ${configPath}'`);
    }

    if (values.json) {
      printJson(ports);
    } else if (configPath === undefined) {
      say("Put these keys in the hardware section of your configuration:");
      print(serialConfigSnippet(ports));
    }
    say("Running until Ctrl-C (SIGINT) or SIGTERM");
    await untilStopped();
    say("Stopping the emulators");
  } finally {
    await emulators.close();
  }
  return 0;
}

function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
      resolve();
    };
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  });
}
