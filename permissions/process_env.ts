/**
 * Lets npm packages use `process.env` under a named `--allow-env` list.
 *
 * Some packages enumerate the whole environment at import: the `debug`
 * package that `@serialport/stream` loads calls `Object.keys(process.env)`,
 * which Deno answers only with unrestricted `--allow-env`. Rather than hand
 * the service every variable (secrets of other software included), this
 * replaces `process.env` with a view that reads one variable at a time
 * through `Deno.env`, reports a variable it may not read as unset, and
 * enumerates only what was set in-process.
 *
 * @module
 */

import process from "node:process";

/** The parts of `Deno.env` the view needs. */
export interface EnvAccess {
  /** Reads one variable; throws `NotCapable` without permission. */
  get(name: string): string | undefined;
}

/** Options of {@linkcode confineProcessEnv}. */
export interface ConfineOptions {
  /** The object whose `env` to replace; default `node:process`. */
  target?: { env: unknown };
  /** Variable access; default `Deno.env`. */
  env?: EnvAccess;
  /** Whether every variable may be read; default asks `Deno.permissions`. */
  fullAccess?: boolean;
}

/**
 * Replaces `process.env` with a per-variable view when the process may not
 * read the whole environment; does nothing when it may.
 *
 * @param options what to replace and how to read variables
 * @returns true when `process.env` was replaced
 */
export function confineProcessEnv(options: ConfineOptions = {}): boolean {
  const fullAccess = options.fullAccess ??
    Deno.permissions.querySync({ name: "env" }).state === "granted";
  if (fullAccess) return false;

  const env = options.env ?? Deno.env;
  const setInProcess: Record<string, string> = {};
  const read = (name: string) => {
    if (Object.hasOwn(setInProcess, name)) return setInProcess[name];
    try {
      return env.get(name);
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) return undefined;
      throw error;
    }
  };

  (options.target ?? process).env = new Proxy(setInProcess, {
    get: (_target, name) => typeof name === "string" ? read(name) : undefined,
    has: (_target, name) =>
      typeof name === "string" && read(name) !== undefined,
    set: (target, name, value) => Reflect.set(target, name, String(value)),
  });
  return true;
}
