/**
 * Runs `main.ts` commands the way a deployment does: first `main.ts flags`
 * prints the command with the flags its configuration implies, then that
 * exact command runs, from the repository root.
 *
 * @module
 */

import { DEFAULT_CONFIG_YAML } from "../../config/default_config.ts";

/** The repository root, where `main.ts` is. */
export const REPO = new URL("../../", import.meta.url).pathname.replace(
  /\/$/,
  "",
);

/** What a finished command printed and how it ended. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Writes a simulator configuration whose paths are all in `dir`.
 *
 * @param dir a fresh folder
 * @param port the listen port
 * @param edit a last change to the YAML text
 * @returns the configuration file's path
 */
export async function writeSimulatorConfig(
  dir: string,
  port: number,
  edit: (yaml: string) => string = (yaml) => yaml,
): Promise<string> {
  const yaml = DEFAULT_CONFIG_YAML
    .replace('location: "var/backups"', `location: "${dir}/backups"`)
    .replace("port: 8080", `port: ${port}`)
    .replace("calibration_points: 25", "calibration_points: 8")
    .replace('data_dir: "var"', `data_dir: "${dir}"`)
    .replace(
      'calibration_file: "var/calibration.json"',
      `calibration_file: "${dir}/calibration.json"`,
    )
    .replace('log_dir: "var/logs"', `log_dir: "${dir}/logs"`);
  const path = `${dir}/scanner.yaml`;
  await Deno.writeTextFile(path, edit(yaml));
  return path;
}

/** A free loopback port. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

async function output(command: Deno.Command): Promise<RunResult> {
  const result = await command.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return {
    code: result.code,
    stdout: decode(result.stdout),
    stderr: decode(result.stderr),
  };
}

/**
 * The argument vector `main.ts flags` prints for a command.
 *
 * @param command the subcommand, e.g. `validate`
 * @param configPath the configuration file
 * @param extra more arguments for `flags`, e.g. `--inspect URL`
 * @returns `[deno, "run", ...flags, "main.ts", command, ...]`
 * @throws {Error} when `flags` fails or prints quoted words
 */
export async function derivedCommand(
  command: string,
  configPath: string,
  extra: string[] = [],
): Promise<string[]> {
  const flags = await output(
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        `--allow-read=${REPO},${configPath}`,
        "--allow-env",
        "main.ts",
        "flags",
        "--command",
        command,
        "--config",
        configPath,
        "--deno",
        Deno.execPath(),
        ...extra,
      ],
      cwd: REPO,
      stdout: "piped",
      stderr: "piped",
    }),
  );
  if (flags.code !== 0 || flags.stdout.includes("'")) {
    throw new Error(`main.ts flags failed: ${flags.stderr}${flags.stdout}`);
  }
  return flags.stdout.trim().split(" ");
}

/**
 * Runs an argument vector from the repository root, with no prompts.
 *
 * @param argv the executable and its arguments
 * @param extra arguments to append
 * @returns its exit status and output
 */
export function runFromRepo(
  argv: string[],
  extra: string[] = [],
): Promise<RunResult> {
  const [executable, ...args] = argv;
  return output(
    new Deno.Command(executable, {
      args: [...args, ...extra],
      cwd: REPO,
      stdout: "piped",
      stderr: "piped",
    }),
  );
}
