/**
 * What `main.ts emulate` reads and writes besides the emulators: its
 * `--fault` switches, and the configuration that points the serial drivers
 * at the emulated ports.
 *
 * @module
 */

import { parseDocument } from "yaml";
import type { EmulatorPorts } from "../emulator/start_emulators.ts";
import {
  EMULATOR_FAULT_KINDS,
  type EmulatorFault,
  type EmulatorFaultKind,
} from "../emulator/fault_switch.ts";
import { UsageError } from "./output.ts";

/** The emulated devices, as `--fault` names them. */
export type EmulatedDevice = keyof EmulatorPorts;

const DEVICES: readonly EmulatedDevice[] = ["turret", "focus", "illumination"];

/** The serial driver and port of each device, by configuration section. */
function serialHardware(ports: EmulatorPorts) {
  return {
    lens_turret: { driver: "motorized_turret_v2", port: ports.turret },
    focus_motor: { driver: "piezo_focus_v3", port: ports.focus },
    illumination: { driver: "led_controller", port: ports.illumination },
  };
}

/**
 * Parses one `--fault DEVICE:KIND[:TIMES[:COMMAND]]` switch, e.g.
 * `turret:error`, `focus:error:3:MOV?` or `turret:silent:always:INIT`.
 *
 * @param text the switch's value
 * @returns the device and the fault rule
 * @throws {UsageError} naming what is wrong and what is accepted
 */
export function parseFaultSwitch(
  text: string,
): { device: EmulatedDevice; fault: EmulatorFault } {
  const [device, kind, times, on, ...rest] = text.split(":");
  const format = "give DEVICE:KIND[:TIMES[:COMMAND]], e.g. focus:error:1:MOV?";
  if (!DEVICES.includes(device as EmulatedDevice) || rest.length > 0) {
    throw new UsageError(
      `--fault ${text}: the device must be one of ${
        DEVICES.join(", ")
      }; ${format}`,
    );
  }
  if (!EMULATOR_FAULT_KINDS.includes(kind as EmulatorFaultKind)) {
    throw new UsageError(
      `--fault ${text}: the kind must be one of ${
        EMULATOR_FAULT_KINDS.join(", ")
      }; ${format}`,
    );
  }
  const count = times === undefined || times === ""
    ? 1
    : times === "always"
    ? Infinity
    : Number(times);
  if (!(Number.isInteger(count) && count > 0) && count !== Infinity) {
    throw new UsageError(
      `--fault ${text}: TIMES must be a whole number above 0 or "always"; ${format}`,
    );
  }
  const fault: EmulatorFault = { kind: kind as EmulatorFaultKind };
  if (count !== 1) fault.times = count;
  if (on !== undefined && on !== "") fault.on = on;
  return { device: device as EmulatedDevice, fault };
}

/**
 * A configuration's text with its turret, piezo and LED switched to the
 * serial drivers on `ports`; everything else, comments included, kept.
 *
 * @param baseText YAML of the configuration to start from
 * @param ports the emulated ports
 * @returns the new YAML text
 * @throws {Error} when `baseText` is not YAML
 */
export function serialConfigYaml(
  baseText: string,
  ports: EmulatorPorts,
): string {
  const doc = parseDocument(baseText);
  if (doc.errors.length > 0) {
    throw new Error(
      `Cannot write the emulated configuration: the base is not YAML (${
        doc.errors[0].message
      }); check --config`,
    );
  }
  for (const [section, keys] of Object.entries(serialHardware(ports))) {
    for (const [key, value] of Object.entries(keys)) {
      doc.setIn(["hardware", section, key], value);
    }
  }
  return doc.toString();
}

/**
 * The `hardware` keys that point the serial drivers at `ports`, as YAML to
 * merge into a configuration.
 *
 * @param ports the emulated ports
 * @returns YAML text
 */
export function serialConfigSnippet(ports: EmulatorPorts): string {
  const lines = ["hardware:"];
  for (const [section, keys] of Object.entries(serialHardware(ports))) {
    lines.push(`  ${section}:`);
    lines.push(`    driver: "${keys.driver}"`);
    lines.push(`    port: "${keys.port}"`);
  }
  return lines.join("\n");
}
