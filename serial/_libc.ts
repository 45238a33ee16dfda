/**
 * The few libc calls the serial layer makes through Deno's FFI, loaded once
 * on first use from one absolute path, so `--allow-ffi` can name that file.
 *
 * Limitations: Linux with glibc only (the path and the `termios` size are
 * glibc's); `errno` is read right after a synchronous call on the main
 * thread, which is where every synchronous call here runs.
 *
 * @module
 */

const LIBC_SYMBOLS = {
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  // A wait with no timeout blocks a worker thread, never the event loop.
  poll: {
    parameters: ["buffer", "u64", "i32"],
    result: "i32",
    nonblocking: true,
  },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  open: { parameters: ["buffer", "i32"], result: "i32" },
  posix_openpt: { parameters: ["i32"], result: "i32" },
  grantpt: { parameters: ["i32"], result: "i32" },
  unlockpt: { parameters: ["i32"], result: "i32" },
  ptsname_r: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  tcgetattr: { parameters: ["i32", "buffer"], result: "i32" },
  tcsetattr: { parameters: ["i32", "i32", "buffer"], result: "i32" },
  cfmakeraw: { parameters: ["buffer"], result: "void" },
  symlink: { parameters: ["buffer", "buffer"], result: "i32" },
  unlink: { parameters: ["buffer"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
  memcpy: { parameters: ["buffer", "pointer", "usize"], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The loaded libc symbols used by the serial layer. */
export type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];

/**
 * Absolute path of the C library this process loads through FFI; pass it
 * to `--allow-ffi` exactly as written (Deno compares the path as given).
 */
export const LIBC_PATH = `/lib/${Deno.build.arch}-linux-gnu/libc.so.6`;

/** `open` flags and `errno` values from Linux's headers. */
export const O_RDWR = 0x2;
/** Do not make the terminal the controlling terminal of the process. */
export const O_NOCTTY = 0x100;
/** Reads and writes return at once with EAGAIN instead of blocking. */
export const O_NONBLOCK = 0x800;
/** Close the descriptor in child processes. */
export const O_CLOEXEC = 0x80000;
/** `eventfd` flags: non-blocking and close-on-exec. */
export const EFD_NONBLOCK_CLOEXEC = 0x800 | 0x80000;
/** Resource temporarily unavailable. */
export const EAGAIN = 11;
/** Interrupted system call. */
export const EINTR = 4;
/** Input/output error: the device went away. */
export const EIO = 5;
/** `poll` event bits. */
export const POLLIN = 0x1;
/** Writing will not block. */
export const POLLOUT = 0x4;
/** Error condition on the descriptor. */
export const POLLERR = 0x8;
/** The peer hung up. */
export const POLLHUP = 0x10;
/** The descriptor is not open. */
export const POLLNVAL = 0x20;
/** `tcsetattr` applies the change at once. */
export const TCSANOW = 0;
/** Bytes reserved for a `struct termios` (glibc uses 60). */
export const TERMIOS_BYTES = 64;

const errnoBytes = new Uint8Array(4);
let library: Deno.DynamicLibrary<typeof LIBC_SYMBOLS> | undefined;

/**
 * The libc symbols, loaded on first call and kept for the process.
 *
 * @returns the symbol table
 * @throws Deno.errors.NotCapable without `--allow-ffi` naming {@linkcode LIBC_PATH}
 */
export function libc(): Libc {
  library ??= Deno.dlopen(LIBC_PATH, LIBC_SYMBOLS);
  return library.symbols;
}

/**
 * The calling thread's `errno`, valid right after a failed synchronous call.
 *
 * @returns the error number
 */
export function errno(): number {
  const symbols = libc();
  // memcpy instead of Deno.UnsafePointerView, which needs a blanket
  // --allow-ffi; a call into the library needs only its path.
  symbols.memcpy(errnoBytes, symbols.__errno_location(), 4n);
  return new DataView(errnoBytes.buffer).getInt32(0, true);
}

/**
 * A NUL-terminated copy of `text` for calls that take a C string.
 *
 * @param text the string, usually a path
 * @returns the bytes with a trailing zero
 */
export function cString(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(text);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}
