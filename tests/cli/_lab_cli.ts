/**
 * Running `main.ts` lab commands in a child process on a configuration
 * whose files all live in one temporary folder.
 */

import { DEFAULT_CONFIG_YAML } from "../../config/default_config.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const NODE_MODULES = new URL("../../node_modules", import.meta.url).pathname;

/** What a command printed and how it ended. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Writes the embedded default configuration with every path in `dir`.
 *
 * @param dir the folder
 * @param name `system.name`, to make a foreign scanner
 * @returns the configuration file's path
 */
export async function writeLabConfig(
  dir: string,
  name = "Simulated Hematology Scanner",
): Promise<string> {
  const path = `${dir}/scanner.yaml`;
  await Deno.writeTextFile(
    path,
    DEFAULT_CONFIG_YAML
      .replace('name: "Simulated Hematology Scanner"', `name: "${name}"`)
      .replace('data_dir: "var"', `data_dir: "${dir}"`)
      .replace(
        'calibration_file: "var/calibration.json"',
        `calibration_file: "${dir}/calibration.json"`,
      )
      .replace('log_dir: "var/logs"', `log_dir: "${dir}/logs"`)
      .replace('location: "var/backups"', `location: "${dir}/backups"`)
      .replace("calibration_points: 25", "calibration_points: 10"),
  );
  return path;
}

/**
 * Runs `main.ts` with read and write permission for `dir` only.
 *
 * @param dir the only folder the command may touch
 * @param args the command line after `main.ts`
 */
export async function runMain(dir: string, args: string[]): Promise<Run> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--allow-read=${dir},${NODE_MODULES}`,
      `--allow-write=${dir}`,
      "--allow-env",
      MAIN,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}
