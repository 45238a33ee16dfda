/**
 * What attaching the XState inspector costs: real time per handoff on the
 * simulated scanner (simulated clock, so only computation and event-loop
 * turns count) with and
 * without `attachInspector`, and the inspection traffic per handoff, sent to
 * a WebSocket server on loopback that only counts.
 *
 * Run: `deno run --allow-read --allow-write --allow-net=127.0.0.1
 * --allow-env bench/inspector_bench.ts`
 *
 * @module
 */

import { defaultConfig } from "../config/load.ts";
import { SimulatedClock } from "../domain/clock.ts";
import { ScannerService } from "../actors/scanner_service.ts";
import { attachInspector } from "../actors/inspector.ts";

const HANDOFFS = 60;

async function timeHandoffs(
  dir: string,
  inspect?: ReturnType<typeof attachInspector>,
): Promise<number> {
  const config = defaultConfig(() => undefined);
  config.parfocal.calibration_points = 10;
  config.paths.data_dir = dir;
  config.paths.calibration_file = `${dir}/calibration.json`;
  config.paths.log_dir = `${dir}/logs`;
  const service = await ScannerService.start(config, {
    clock: new SimulatedClock(),
    inspect: inspect?.inspect,
  });
  await service.whenStarted();
  const startedMs = performance.now();
  for (let i = 0; i < HANDOFFS; i++) {
    await service.requestHandoff(-6 + (i % 12));
  }
  const cpuMs = performance.now() - startedMs;
  await service.stop();
  return cpuMs / HANDOFFS;
}

let messages = 0;
let bytes = 0;
const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: () => {} },
  (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (message) => {
      messages++;
      bytes += (message.data as string).length;
    };
    return response;
  },
);
const dir = await Deno.makeTempDir();

// The first run calibrates and saves; both measured runs load that file.
await timeHandoffs(dir);
const plainMs = await timeHandoffs(dir);
const inspector = attachInspector(`ws://127.0.0.1:${server.addr.port}`);
await inspector.opened;
const before = { messages, bytes };
const inspectedMs = await timeHandoffs(dir, inspector);
await new Promise((resolve) => setTimeout(resolve, 200));
inspector.stop();

const perHandoff = (count: number) => (count / HANDOFFS).toFixed(0);
console.log(`handoffs per run: ${HANDOFFS}`);
console.log(`real time per handoff, plain:     ${plainMs.toFixed(2)} ms`);
console.log(`real time per handoff, inspected: ${inspectedMs.toFixed(2)} ms`);
console.log(
  `ratio inspected / plain:          ${(inspectedMs / plainMs).toFixed(2)}`,
);
console.log(
  `inspection traffic per handoff (start-up included): ${
    perHandoff(messages - before.messages)
  } messages, ${perHandoff(bytes - before.bytes)} bytes`,
);
await server.shutdown();
await Deno.remove(dir, { recursive: true });
