/**
 * The files the serial binding loads through FFI, for `--allow-ffi`.
 *
 * The serial layer (`serial/`) owns these paths; this module only asks it,
 * so the flags follow whatever that layer loads.
 *
 * @module
 */

import { dirname } from "node:path";
import { LIBC_PATH, nativeBindingPath } from "../serial/ffi_binding.ts";

/** What the serial binding needs from the file system. */
export interface SerialBindingFiles {
  /** Libraries opened with `Deno.dlopen` or `require` of a `.node` file. */
  ffi: string[];
  /** Files read to load them (the native package's folder). */
  read: string[];
}

/**
 * The files the serial binding opens, for the flags of a serial command.
 *
 * @returns libc and the native `.node` module, with the folder to read
 * @throws Error on a platform with no prebuilt native module
 */
export function serialBindingFiles(): SerialBindingFiles {
  const nativeModule = nativeBindingPath();
  const packageDir = dirname(dirname(dirname(nativeModule)));
  return { ffi: [LIBC_PATH, nativeModule], read: [packageDir] };
}

/**
 * The files the pseudo-terminal emulators open: libc alone.
 *
 * @returns the libc path
 */
export function ptyFiles(): SerialBindingFiles {
  return { ffi: [LIBC_PATH], read: [] };
}
