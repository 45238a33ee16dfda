/**
 * The controller's entry point. Each subcommand lives in `cli/`.
 *
 * @module
 */

// First: confines npm code's process.env before any package reads it.
import "./permissions/confine_process_env.ts";
import { ConfigError } from "./config/errors.ts";
import { serveCommand } from "./cli/serve.ts";
import { handoffCommand } from "./cli/handoff.ts";
import { autofocusCommand } from "./cli/autofocus.ts";
import { calibrateCommand } from "./cli/calibrate.ts";
import { backupCommand } from "./cli/backup.ts";
import { restoreCommand } from "./cli/restore.ts";
import { recoverCommand } from "./cli/recover.ts";
import { diagnoseCommand } from "./cli/diagnose.ts";
import { validateCommand } from "./cli/validate.ts";
import { flagsCli } from "./cli/flags.ts";
import { emulateCommand } from "./cli/emulate.ts";
import { say, UsageError } from "./cli/output.ts";

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  serve: {
    run: serveCommand,
    summary:
      "serve [--config FILE] [--port N] [--host H] [--inspect WS_URL]   run the HTTP service",
  },
  handoff: {
    run: handoffCommand,
    summary:
      "handoff --z-source UM [--config FILE] [--json]   one A->B handoff",
  },
  autofocus: {
    run: autofocusCommand,
    summary:
      "autofocus --stack DIR [--z-step-um S] [--json]   autofocus on a recorded focus stack",
  },
  calibrate: {
    run: calibrateCommand,
    summary:
      "calibrate [--config FILE] [--routine] [--json]   run the calibration procedure",
  },
  emulate: {
    run: emulateCommand,
    summary:
      "emulate [--config FILE] [--link-dir DIR] [--fault DEVICE:KIND[:TIMES[:COMMAND]]]... [--json] [--write-config FILE] [--traffic]   serial device emulators on pseudo-terminals",
  },
  backup: {
    run: backupCommand,
    summary:
      "backup [--config FILE] [--json]   back up calibration, configuration, history and logs",
  },
  restore: {
    run: restoreCommand,
    summary:
      "restore [BACKUP] [--config FILE] [--json]   verify a backup (default the newest) and put it back",
  },
  recover: {
    run: recoverCommand,
    summary:
      "recover [--config FILE] [--json]   restore the newest good backup, start, prove it with a handoff",
  },
  diagnose: {
    run: diagnoseCommand,
    summary:
      "diagnose [--config FILE] [--json]   each device's connection and likely fix, and the performance trend",
  },
  validate: {
    run: validateCommand,
    summary:
      "validate [--config FILE] [--json] [--min-free-gb N]   pre-deployment checks; exit 1 if any fails",
  },
  flags: {
    run: flagsCli,
    summary:
      "flags [--config FILE] [--command serve] [--inspect URL] [--compile]   print the command with its least-privilege Deno flags",
  },
};

function usage(): string {
  return [
    "Usage: main.ts <command> [options]",
    ...Object.values(COMMANDS).map((command) => `  ${command.summary}`),
  ].join("\n");
}

async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    say(
      name === undefined ? usage() : `Unknown command "${name}".\n${usage()}`,
    );
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      say(error.message);
      return 2;
    }
    if (
      error instanceof TypeError && error.message.includes("Unknown option")
    ) {
      say(`${error.message}\n${usage()}`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
