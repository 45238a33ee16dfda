/**
 * `main.ts handoff --z-source UM`: one handoff on the configured scanner,
 * printed for a person or as JSON.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ScannerService } from "../actors/scanner_service.ts";
import { lensProfiles } from "../config/lenses.ts";
import { parseZSource } from "../http/handoff_query.ts";
import { resolveConfig } from "./config_option.ts";
import { fail, print, printJson, say, UsageError } from "./output.ts";

/**
 * Runs one handoff and prints its result.
 *
 * @param args command-line arguments after `handoff`
 * @returns 0 on success, 1 when the handoff failed
 */
export async function handoffCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      "z-source": { type: "string" },
      config: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const config = await resolveConfig(values.config);
  const parsed = parseZSource(values["z-source"], lensProfiles(config).A, {
    name: "--z-source",
    example: "--z-source 3",
  });
  if (!parsed.ok) throw new UsageError(parsed.message);

  const service = await ScannerService.start(config);
  const stopListening = service.on("status.changed", (event) => {
    if (event.notice) say(`controller ${event.phase}: ${event.notice}`);
  });
  try {
    const phase = await service.whenStarted();
    if (phase !== "ready") {
      return fail(
        `The controller is ${phase}; no handoff was run${
          service.notice ? `: ${service.notice}` : ""
        }`,
        values.json,
      );
    }
    const outcome = await service.requestHandoff(parsed.zSourceUm);
    if (outcome.kind === "rejected") {
      return fail(outcome.message, values.json);
    }
    const result = outcome.result;
    if (values.json) {
      printJson(result);
    } else {
      print(`success          ${result.success}`);
      print(`z_source         ${result.z_source} um`);
      print(`z_predicted      ${result.z_predicted} um`);
      print(`z_target         ${result.z_target} um`);
      print(`mapping error    ${result.mapping_error_um} um`);
      print(`elapsed          ${result.elapsed_ms} ms`);
      print(`  lens switch    ${result.lens_switch_ms} ms`);
      print(`  focus move     ${result.focus_move_ms} ms`);
      print(
        `  focus search   ${result.focus_search_ms} ms (${result.frames} frames)`,
      );
      print(`  validation     ${result.validation_ms} ms`);
      if (result.error) {
        print(
          `error            ${result.error.device}: ${result.error.message}`,
        );
      }
    }
    return result.success ? 0 : 1;
  } finally {
    stopListening();
    await service.stop();
  }
}
