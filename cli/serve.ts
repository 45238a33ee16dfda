/**
 * `main.ts serve`: the controller behind its HTTP API, with its lab
 * operations (history, monitor, metrics, telemetry, maintenance) and
 * logging to stdout and a size-rotated file in `paths.log_dir`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ScannerService } from "../actors/scanner_service.ts";
import { createApp } from "../http/app.ts";
import { configureLogging } from "../logging/configure.ts";
import { securityLayers } from "../http/security/mod.ts";
import { resolveConfig } from "./config_option.ts";
import { say, UsageError } from "./output.ts";

/** How long `--inspect` waits for the inspector before starting anyway. */
const INSPECTOR_WAIT_MS = 5_000;

/**
 * Runs the service until the process is stopped.
 *
 * @param args command-line arguments after `serve`
 */
export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      inspect: { type: "string" },
    },
  });
  const config = await resolveConfig(values.config);
  const host = values.host ?? config.server.host;
  const port = values.port === undefined
    ? config.server.port
    : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(
      `--port must be a whole number 0..65535, got ${values.port}`,
    );
  }

  try {
    securityLayers(config.security);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  // Loaded only when asked for: the inspector's WebSocket packages are
  // needed by nothing else.
  const inspector = values.inspect === undefined
    ? undefined
    : (await import("../actors/inspector.ts")).attachInspector(values.inspect, {
      onConnection: (state, url) => say(`inspector ${state}: ${url}`),
    });
  if (inspector && !(await inspector.waitOpen(INSPECTOR_WAIT_MS))) {
    say(
      `The inspector at ${values.inspect} does not answer yet; its events are kept until it does`,
    );
  }

  const logging = await configureLogging(config);
  const service = await ScannerService.start(config, {
    inspect: inspector?.inspect,
    lab: { configFile: values.config },
  });
  const shutdown = new AbortController();
  const app = createApp(service, {
    signal: shutdown.signal,
    alerts: service.lab?.alerts,
  });
  const server = Deno.serve({
    hostname: host,
    port,
    onListen: ({ hostname, port }) =>
      say(`Serving ${config.system.name} on http://${hostname}:${port}`),
  }, app.fetch);

  // Phase changes and their reasons reach people through the log, which
  // the lab operations write (stdout and the rotating file).

  const stop = async () => {
    say("Stopping");
    shutdown.abort();
    await server.shutdown();
    inspector?.stop();
    await service.stop();
    await logging.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await server.finished;
  return 0;
}
