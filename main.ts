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
import { printJson, say, UsageError } from "./cli/output.ts";

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

/**
 * Joins `--option -5` into `--option=-5`, so negative numbers read as
 * values rather than as unknown short options.
 */
function joinNegativeValues(args: string[]): string[] {
  const joined: string[] = [];
  for (const arg of args) {
    const previous = joined.at(-1);
    if (
      /^-\d/.test(arg) && previous?.startsWith("--") && !previous.includes("=")
    ) {
      joined[joined.length - 1] = `${previous}=${arg}`;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/** Errors that mean the command line was wrong, from `node:util`. */
function isArgumentError(error: unknown): error is Error {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

/** Errors that describe a problem the operator can fix: exit 2. */
function isOperatorError(error: unknown): error is Error {
  return error instanceof ConfigError || error instanceof UsageError ||
    (error as { exitCode?: unknown })?.exitCode === 2;
}

function messageOf(error: unknown): string {
  if (error instanceof Deno.errors.AddrInUse) {
    return `${error.message}: another program already listens there; choose another --port or stop it`;
  }
  return error instanceof Error ? error.message : String(error);
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
    return await command.run(joinNegativeValues(rest));
  } catch (error) {
    const usageProblem = isArgumentError(error);
    const status = usageProblem || isOperatorError(error) ? 2 : 1;
    const message = messageOf(error);
    say(usageProblem ? `${message}\n${usage()}` : message);
    if (rest.includes("--json")) printJson({ error: message });
    return status;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
