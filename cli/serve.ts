/**
 * `main.ts serve`: the controller behind its HTTP API.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ScannerService } from "../actors/scanner_service.ts";
import { createApp } from "../http/app.ts";
import { resolveConfig } from "./config_option.ts";
import { say, UsageError } from "./output.ts";

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

  const service = await ScannerService.start(config);
  const app = createApp(service);
  const server = Deno.serve({
    hostname: host,
    port,
    onListen: ({ hostname, port }) =>
      say(`Serving ${config.system.name} on http://${hostname}:${port}`),
  }, app.fetch);

  service.on(
    "status.changed",
    (event) =>
      say(
        `controller ${event.phase}${event.notice ? `: ${event.notice}` : ""}`,
      ),
  );
  if (service.notice) say(service.notice);

  const stop = async () => {
    say("Stopping");
    await server.shutdown();
    await service.stop();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await server.finished;
  return 0;
}
