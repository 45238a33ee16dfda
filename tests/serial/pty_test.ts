import assert from "node:assert/strict";
import {
  cString,
  libc,
  O_NOCTTY,
  O_NONBLOCK,
  O_RDWR,
} from "../../serial/_libc.ts";
import { FdIo } from "../../serial/fd_io.ts";
import { SerialIoError } from "../../serial/io_error.ts";
import { openPseudoTerminal } from "../../serial/pty.ts";
import { readBytes, rejectionOf } from "./_helpers.ts";

function openPortSide(path: string): { io: FdIo; close(): Promise<void> } {
  const fd = libc().open(cString(path), O_RDWR | O_NOCTTY | O_NONBLOCK);
  assert(fd >= 0, `cannot open ${path}`);
  const io = new FdIo(fd, path);
  return {
    io,
    close: async () => {
      await io.cancel();
      libc().close(fd);
    },
  };
}

Deno.test("openPseudoTerminal gives a port path under /dev/pts", async () => {
  const pty = openPseudoTerminal();

  assert.match(pty.path, /^\/dev\/pts\/\d+$/);

  await pty.close();
});

Deno.test("a pseudo-terminal passes bytes raw: CR, LF and no echo", async () => {
  const pty = openPseudoTerminal();
  const port = openPortSide(pty.path);
  try {
    await port.io.write(new TextEncoder().encode("MOV?\r\n"));
    assert.equal(await readBytes(pty, 6), "MOV?\r\n");

    await pty.write("READY\r\n");
    const chunk = new Uint8Array(32);
    const count = await port.io.read(chunk);
    assert.equal(
      new TextDecoder().decode(chunk.subarray(0, count)),
      "READY\r\n",
    );
  } finally {
    await port.close();
    await pty.close();
  }
});

Deno.test("closing a pseudo-terminal twice is harmless and ends pending reads", async () => {
  const pty = openPseudoTerminal();
  const outcome = rejectionOf(pty.read(new Uint8Array(8)), SerialIoError);

  await Promise.all([pty.close(), pty.close()]);

  assert((await outcome).canceled);
});
