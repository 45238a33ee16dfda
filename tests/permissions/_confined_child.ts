/**
 * Child process for the permission tests: started with derived flags, it
 * loads what the service loads, tries each access it is told to, and prints
 * one JSON object mapping each attempt to "ok" or the error's name.
 *
 * @module
 */

import "../../permissions/confine_process_env.ts";
import { SerialPortStream } from "@serialport/stream";
import { loadConfigFile } from "../../config/load.ts";
import { loadUplotAssets } from "../../http/dashboard/assets.ts";
import { FfiBinding } from "../../serial/ffi_binding.ts";

/** What the parent asks the child to try. */
export interface Attempts {
  configPath: string;
  insideFile: string;
  outsideFile: string;
  allowedEnv: string;
  forbiddenEnv: string;
  forbiddenPort: number;
  serialPort?: string;
}

const attempts: Attempts = JSON.parse(Deno.args[0]);
const results: Record<string, string> = {};

async function attempt(name: string, action: () => unknown): Promise<void> {
  try {
    await action();
    results[name] = "ok";
  } catch (error) {
    results[name] = error instanceof Error ? error.name : String(error);
  }
}

await attempt("loadConfig", () => loadConfigFile(attempts.configPath));
await attempt("loadChartAssets", () => loadUplotAssets());
await attempt(
  "writeInside",
  () => Deno.writeTextFile(attempts.insideFile, "x"),
);
await attempt("readOutside", () => Deno.readTextFile(attempts.outsideFile));
await attempt(
  "writeOutside",
  () => Deno.writeTextFile(attempts.outsideFile, "x"),
);
await attempt("readAllowedEnv", () => Deno.env.get(attempts.allowedEnv));
await attempt("readForbiddenEnv", () => Deno.env.get(attempts.forbiddenEnv));
await attempt("connectElsewhere", async () => {
  const connection = await Deno.connect({
    hostname: "127.0.0.1",
    port: attempts.forbiddenPort,
  });
  connection.close();
});
await attempt("runProgram", () => new Deno.Command("true").output());
if (attempts.serialPort) {
  const path = attempts.serialPort;
  await attempt("openSerialPort", async () => {
    const port = new SerialPortStream({
      binding: FfiBinding,
      path,
      baudRate: 115200,
    });
    await new Promise<void>((resolve, reject) =>
      port.write("INIT\n", (error) => error ? reject(error) : resolve())
    );
    await new Promise<void>((resolve, reject) =>
      port.drain((error) => error ? reject(error) : resolve())
    );
    await new Promise<void>((resolve) => port.close(() => resolve()));
  });
}

console.log(JSON.stringify(results));
