/**
 * Pseudo-terminals for tests and device emulators, made with libc alone
 * (`posix_openpt`, `grantpt`, `unlockpt`, `ptsname_r`), in raw mode, with
 * no external program.
 *
 * The emulator side is the master; a driver opens {@linkcode PseudoTerminal.path}
 * like any serial port. The terminal keeps one descriptor of its own on the
 * port side, so the master never sees a hang-up while no driver has the port
 * open, and a driver can close and reopen the port freely.
 *
 * @module
 */

import {
  cString,
  errno,
  libc,
  O_CLOEXEC,
  O_NOCTTY,
  O_NONBLOCK,
  O_RDWR,
  TCSANOW,
  TERMIOS_BYTES,
} from "./_libc.ts";
import { FdIo } from "./fd_io.ts";

const PATH_BYTES = 128;
const FLAGS = O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;

/** The master side of a pseudo-terminal and the path of its port side. */
export interface PseudoTerminal {
  /** Path of the port side, e.g. `/dev/pts/7`, to open as a serial port. */
  readonly path: string;
  /**
   * Reads what the port side wrote, at least one byte.
   *
   * @param target where the bytes go
   * @returns how many bytes were read
   * @throws SerialIoError `canceled` once the terminal is closed
   */
  read(target: Uint8Array): Promise<number>;
  /**
   * Sends bytes to the port side.
   *
   * @param data bytes, or text sent as UTF-8
   * @throws SerialIoError `canceled` once the terminal is closed
   */
  write(data: Uint8Array | string): Promise<void>;
  /**
   * Closes the terminal; a driver with the port open sees a hang-up.
   * Pending reads end with a `canceled` error. Safe to call twice.
   */
  close(): Promise<void>;
}

function check(result: number, call: string): void {
  if (result === 0) return;
  throw new Error(
    `Cannot create a pseudo-terminal: ${call} failed (errno ${errno()}); check that /dev/pts is mounted`,
  );
}

function makeRaw(fd: number): void {
  const termios = new Uint8Array(TERMIOS_BYTES);
  check(libc().tcgetattr(fd, termios), "tcgetattr");
  libc().cfmakeraw(termios);
  check(libc().tcsetattr(fd, TCSANOW, termios), "tcsetattr");
}

function portPath(masterFd: number): string {
  const name = new Uint8Array(PATH_BYTES);
  check(libc().ptsname_r(masterFd, name, BigInt(PATH_BYTES)), "ptsname_r");
  const end = name.indexOf(0);
  return new TextDecoder().decode(name.subarray(0, end < 0 ? undefined : end));
}

/**
 * Opens a new pseudo-terminal in raw mode (no echo, no line editing, no
 * CR/LF translation), so bytes pass through as they would on a wire.
 *
 * @returns the master side and the path of the port side
 * @throws Error when the system cannot allocate a pseudo-terminal
 * @throws Deno.errors.NotCapable without `--allow-ffi` for libc
 */
export function openPseudoTerminal(): PseudoTerminal {
  const masterFd = libc().posix_openpt(FLAGS);
  if (masterFd < 0) check(-1, "posix_openpt");
  let portFd = -1;
  try {
    check(libc().grantpt(masterFd), "grantpt");
    check(libc().unlockpt(masterFd), "unlockpt");
    const path = portPath(masterFd);
    portFd = libc().open(cString(path), FLAGS);
    if (portFd < 0) check(-1, `open ${path}`);
    makeRaw(portFd);
    return new MasterSide(masterFd, portFd, path);
  } catch (error) {
    if (portFd >= 0) libc().close(portFd);
    libc().close(masterFd);
    throw error;
  }
}

class MasterSide implements PseudoTerminal {
  readonly path: string;
  readonly #masterFd: number;
  readonly #portFd: number;
  readonly #io: FdIo;
  #closing: Promise<void> | undefined;

  constructor(masterFd: number, portFd: number, path: string) {
    this.#masterFd = masterFd;
    this.#portFd = portFd;
    this.path = path;
    this.#io = new FdIo(masterFd, `pseudo-terminal ${path}`);
  }

  read(target: Uint8Array): Promise<number> {
    return this.#io.read(target);
  }

  write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === "string"
      ? new TextEncoder().encode(data)
      : data;
    return this.#io.write(bytes);
  }

  close(): Promise<void> {
    this.#closing ??= this.#io.cancel().then(() => {
      libc().close(this.#portFd);
      libc().close(this.#masterFd);
    });
    return this.#closing;
  }
}
