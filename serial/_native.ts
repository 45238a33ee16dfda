/**
 * The native module of `@serialport/bindings-cpp`, loaded straight from its
 * prebuilt file (not through `node-gyp-build`, which would also need
 * environment and directory-listing permissions). Only its open, termios,
 * modem-line and close calls are used; they work under Deno.
 *
 * @module
 */

import { createRequire } from "node:module";

type Callback<T> = (error: Error | null, value: T) => void;

/** The calls of the native module this layer uses (callback style). */
export interface NativeSerial {
  /** Opens and configures a port; yields the descriptor. */
  open(path: string, options: object, done: Callback<number>): void;
  /** Closes a descriptor. */
  close(fd: number, done: Callback<void>): void;
  /** Changes the baud rate. */
  update(fd: number, options: { baudRate: number }, done: Callback<void>): void;
  /** Sets the modem control lines. */
  set(fd: number, options: object, done: Callback<void>): void;
  /** Reads the modem status lines. */
  get(
    fd: number,
    done: Callback<{ cts: boolean; dsr: boolean; dcd: boolean }>,
  ): void;
  /** Reads the baud rate the system reports. */
  getBaudRate(fd: number, done: Callback<{ baudRate: number }>): void;
  /** Discards unread input and unsent output. */
  flush(fd: number, done: Callback<void>): void;
  /** Waits for output to be transmitted. */
  drain(fd: number, done: Callback<void>): void;
}

const PREBUILD_FILES: Record<string, string> = {
  x86_64: "linux-x64/@serialport+bindings-cpp.glibc.node",
  aarch64: "linux-arm64/@serialport+bindings-cpp.armv8.glibc.node",
};

const require = createRequire(import.meta.url);
let native: NativeSerial | undefined;

/**
 * Absolute path of the native module's file, to name in `--allow-ffi`.
 *
 * @returns the real path of the prebuilt `.node` file for this machine
 * @throws Error on a platform with no prebuilt module
 */
export function nativeBindingPath(): string {
  const file = PREBUILD_FILES[Deno.build.arch];
  if (Deno.build.os !== "linux" || file === undefined) {
    throw new Error(
      `Cannot use serial ports on ${Deno.build.os}/${Deno.build.arch}: only Linux on x86_64 or aarch64 is supported`,
    );
  }
  // import.meta.resolve finds the package without the directory walk of
  // require.resolve, which would need read access above node_modules.
  const packageUrl = import.meta.resolve(
    "@serialport/bindings-cpp/package.json",
  );
  return decodeURIComponent(new URL(`prebuilds/${file}`, packageUrl).pathname);
}

/**
 * The native module, loaded on first call.
 *
 * @returns the native calls
 * @throws Deno.errors.NotCapable without `--allow-ffi` naming {@linkcode nativeBindingPath}
 */
export function nativeSerial(): NativeSerial {
  native ??= require(nativeBindingPath()) as NativeSerial;
  return native;
}

/**
 * Calls a callback-style native function and returns its result.
 *
 * @param call receives the completion callback
 * @returns what the native call yielded
 */
export function callNative<T>(call: (done: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    call((error, value) => error ? reject(error) : resolve(value));
  });
}
