import assert from "node:assert/strict";
import { SerialPortStream } from "@serialport/stream";
import { Buffer } from "node:buffer";
import { FfiBinding } from "../../serial/ffi_binding.ts";
import { SerialIoError } from "../../serial/io_error.ts";
import { openPseudoTerminal } from "../../serial/pty.ts";
import { readBytes, rejectionOf } from "./_helpers.ts";

Deno.test("a port opened through the binding writes to and reads from a pseudo-terminal", async () => {
  const pty = openPseudoTerminal();
  const port = await FfiBinding.open({ path: pty.path, baudRate: 115200 });
  try {
    await port.write(Buffer.from("INIT\n"));
    assert.equal(await readBytes(pty, 5), "INIT\n");

    await pty.write("OK\r\n");
    const buffer = Buffer.alloc(64);
    const { bytesRead } = await port.read(buffer, 0, 64);
    assert.equal(buffer.subarray(0, bytesRead).toString(), "OK\r\n");
  } finally {
    await port.close();
    await pty.close();
  }
});

Deno.test("closing a port ends a pending read with a canceled error", async () => {
  const pty = openPseudoTerminal();
  const port = await FfiBinding.open({ path: pty.path, baudRate: 57600 });
  const outcome = rejectionOf(
    port.read(Buffer.alloc(16), 0, 16),
    SerialIoError,
  );

  await port.close();

  const error = await outcome;
  assert(error.canceled);
  assert(!error.disconnected);
  assert(!port.isOpen);
  await pty.close();
});

Deno.test("a pseudo-terminal that closes ends a pending read with a disconnected error", async () => {
  const pty = openPseudoTerminal();
  const port = await FfiBinding.open({ path: pty.path, baudRate: 115200 });
  const outcome = rejectionOf(
    port.read(Buffer.alloc(16), 0, 16),
    SerialIoError,
  );

  await pty.close();

  const error = await outcome;
  assert(error.disconnected);
  assert(!error.canceled);
  await port.close();
});

Deno.test("SerialPortStream on the binding carries lines both ways and closes cleanly", async () => {
  const pty = openPseudoTerminal();
  const stream = new SerialPortStream({
    binding: FfiBinding,
    path: pty.path,
    baudRate: 115200,
  });
  await new Promise<void>((resolve, reject) => {
    stream.once("open", resolve);
    stream.once("error", reject);
  });
  const received = new Promise<string>((resolve) =>
    stream.once("data", (data: Buffer) => resolve(data.toString()))
  );

  stream.write("BRIGHT?\n");
  assert.equal(await readBytes(pty, 8), "BRIGHT?\n");
  await pty.write("128\n");
  assert.equal(await received, "128\n");

  await new Promise<void>((resolve, reject) =>
    stream.close((error: Error | null) => error ? reject(error) : resolve())
  );
  await pty.close();
});
