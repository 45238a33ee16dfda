/**
 * Round trip of one command and its reply over a pseudo-terminal, through
 * the whole serial stack (driver, line transport, `SerialPortStream`, FFI
 * binding) to the LED emulator and back, next to the bare binding answered
 * by a minimal echo loop. Run:
 * `deno run --allow-ffi --allow-read --allow-write --allow-env bench/serial_round_trip_bench.ts`.
 *
 * Prints mean, median and 99th percentile per command in milliseconds, and
 * the ratio of the full stack to the bare binding; absolute numbers depend
 * on the machine's load.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { defaultConfig } from "../config/load.ts";
import { SerialIllumination } from "../drivers/serial/illumination.ts";
import { startEmulators } from "../emulator/start_emulators.ts";
import { FfiBinding } from "../serial/ffi_binding.ts";
import { openPseudoTerminal } from "../serial/pty.ts";

const COMMANDS = 2000;
const WARM_UP = 100;

function summary(
  samplesMs: number[],
): { meanMs: number; p50Ms: number; p99Ms: number } {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const meanMs = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  return {
    meanMs,
    p50Ms: sorted[Math.floor(sorted.length / 2)],
    p99Ms: sorted[Math.floor(sorted.length * 0.99)],
  };
}

async function timeEach(run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await run();
  const samplesMs: number[] = [];
  for (let i = 0; i < COMMANDS; i++) {
    const startMs = performance.now();
    await run();
    samplesMs.push(performance.now() - startMs);
  }
  return samplesMs;
}

async function fullStack(): Promise<number[]> {
  const config = defaultConfig();
  const emulators = await startEmulators(config);
  const led = new SerialIllumination({
    path: emulators.ports.illumination,
    maxBrightness: 255,
    defaultBrightness: 128,
  });
  try {
    await led.init();
    return await timeEach(() => led.readBrightness());
  } finally {
    await led.close();
    await emulators.close();
  }
}

async function bareBinding(): Promise<number[]> {
  const pty = openPseudoTerminal();
  const port = await FfiBinding.open({ path: pty.path, baudRate: 115200 });
  const echo = (async () => {
    const chunk = new Uint8Array(64);
    try {
      for (;;) {
        const count = await pty.read(chunk);
        await pty.write(chunk.slice(0, count));
      }
    } catch {
      // The terminal closed: the benchmark is over.
    }
  })();
  const request = Buffer.from("BRIGHT?\n");
  const reply = Buffer.alloc(64);
  try {
    return await timeEach(async () => {
      await port.write(request);
      let received = 0;
      while (received < request.length) {
        received += (await port.read(reply, received, 64 - received)).bytesRead;
      }
    });
  } finally {
    await port.close();
    await pty.close();
    await echo;
  }
}

const bare = summary(await bareBinding());
const full = summary(await fullStack());
const format = (s: typeof bare) =>
  `mean ${s.meanMs.toFixed(3)} ms, median ${s.p50Ms.toFixed(3)} ms, p99 ${
    s.p99Ms.toFixed(3)
  } ms`;
console.log(`commands per case: ${COMMANDS}`);
console.log(`bare binding, echo loop:           ${format(bare)}`);
console.log(`driver + transport + LED emulator: ${format(full)}`);
console.log(
  `full stack / bare binding (median): ${(full.p50Ms / bare.p50Ms).toFixed(2)}`,
);
