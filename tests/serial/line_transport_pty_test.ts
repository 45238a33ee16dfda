import assert from "node:assert/strict";
import { RealClock } from "../../domain/clock.ts";
import { DeviceDisconnectedError } from "../../drivers/errors.ts";
import {
  type ConnectionState,
  LineTransport,
} from "../../serial/line_transport.ts";
import { openPseudoTerminal, type PseudoTerminal } from "../../serial/pty.ts";
import { rejectionOf, serveLines } from "./_helpers.ts";

const clock = new RealClock();

function transportOn(path: string): LineTransport {
  return new LineTransport({
    device: "turret",
    path,
    baudRate: 115200,
    clock,
    backoff: { initialDelayMs: 5, maxDelayMs: 20 },
  });
}

function nextState(
  transport: LineTransport,
  state: ConnectionState,
): Promise<void> {
  return new Promise((resolve) => {
    const stop = transport.onStateChange((change) => {
      if (change.state !== state) return;
      stop();
      resolve();
    });
  });
}

Deno.test("over a pseudo-terminal a reply split 50 ms apart arrives whole", async () => {
  const pty = openPseudoTerminal();
  const device = serveLines(pty, async () => {
    await pty.write("COMP");
    await clock.sleep(50);
    await pty.write("LETE\r\n");
  });
  const transport = transportOn(pty.path);
  await transport.open();

  const reply = await transport.request("SWITCH_LENS_B", {
    reply: /^COMPLETE$/,
    timeoutMs: 1000,
  });

  assert.equal(reply, "COMPLETE");
  await transport.close();
  await pty.close();
  await device;
});

Deno.test("over a pseudo-terminal a port closed mid-command rejects as disconnected and reconnects once it is back", async () => {
  let pty: PseudoTerminal = openPseudoTerminal();
  const link = `${await Deno.makeTempDir()}/turret`;
  await Deno.symlink(pty.path, link);
  const device = serveLines(pty, () => pty.close());
  const transport = transportOn(link);
  await transport.open();
  const lost = nextState(transport, "disconnected");

  const error = await rejectionOf(
    transport.request("SWITCH_LENS_A", {
      reply: /^COMPLETE$/,
      timeoutMs: 2000,
    }),
    DeviceDisconnectedError,
  );
  assert.match(error.message, /went away/);
  await lost;
  await device;

  const reconnected = nextState(transport, "connected");
  pty = openPseudoTerminal();
  await Deno.remove(link);
  await Deno.symlink(pty.path, link);
  const back = serveLines(pty, (line) => pty.write(`${line}\r\nCOMPLETE\r\n`));
  await reconnected;

  const reply = await transport.request("SWITCH_LENS_A", {
    reply: /^COMPLETE$/,
    timeoutMs: 1000,
  });

  assert.equal(reply, "COMPLETE");
  await transport.close();
  await pty.close();
  await back;
  await Deno.remove(link.replace(/\/turret$/, ""), { recursive: true });
});
