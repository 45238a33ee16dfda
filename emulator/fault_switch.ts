/**
 * Fault switches of an emulated device, for tests and for people trying
 * the service against misbehaving hardware. Each rule names a fault, the
 * commands it applies to and how many times it fires.
 *
 * @module
 */

/**
 * How the device misbehaves on a matching command:
 * - `drop`: acts, but sends no reply;
 * - `error`: answers a fault instead of the reply (`text`, default
 *   `ERROR`; the turret stops half-way and answers `JAMMED`; `INIT`
 *   answers `REJECTED`);
 * - `stray`: sends an unrelated line (`text`) before the reply;
 * - `split`: sends the reply in two chunks `delayMs` (default 50) apart;
 * - `merge`: sends the reply twice in one chunk, as a device that answers
 *   twice would;
 * - `echo`: echoes the command before the reply;
 * - `silent`: ignores the command entirely (nothing done, nothing sent);
 * - `close`: closes its port (before acting, or `delayMs` after it) and
 *   reopens it at the same path after the emulator's reopen delay.
 */
export type EmulatorFaultKind =
  | "drop"
  | "error"
  | "stray"
  | "split"
  | "merge"
  | "echo"
  | "silent"
  | "close";

/** Every fault kind, for parsing command-line switches. */
export const EMULATOR_FAULT_KINDS: readonly EmulatorFaultKind[] = [
  "drop",
  "error",
  "stray",
  "split",
  "merge",
  "echo",
  "silent",
  "close",
];

/** One fault rule. */
export interface EmulatorFault {
  /** What goes wrong. */
  kind: EmulatorFaultKind;
  /**
   * Which commands it applies to: a command's first word or the whole
   * command (`"MOV?"`, `"SWITCH_LENS_B"`, `"INIT"`), or a pattern; every
   * command when absent.
   */
  on?: string | RegExp;
  /** How many matching commands it affects; default 1, `Infinity` to stay. */
  times?: number;
  /** Delay for `split` and `close`, ms. */
  delayMs?: number;
  /** Line sent by `error` and `stray`. */
  text?: string;
}

interface ActiveFault extends EmulatorFault {
  remaining: number;
}

function applies(fault: EmulatorFault, command: string): boolean {
  const on = fault.on;
  if (on === undefined) return true;
  if (on instanceof RegExp) return on.test(command);
  return command === on || command.split(" ")[0] === on;
}

/** The fault rules of one emulated device. */
export class FaultSwitch {
  #faults: ActiveFault[] = [];

  /**
   * Adds a rule; rules fire in the order they were added, one per command.
   *
   * @param fault what, on which commands and how often
   */
  inject(fault: EmulatorFault): void {
    this.#faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** Removes every rule: the device behaves again. */
  clear(): void {
    this.#faults = [];
  }

  /** Rules still to fire. */
  get active(): readonly EmulatorFault[] {
    return this.#faults;
  }

  /**
   * The rule that fires for `command`, counted as used.
   *
   * @param command the command line received
   * @returns the rule, or `undefined` when the device behaves
   */
  take(command: string): EmulatorFault | undefined {
    const fault = this.#faults.find((rule) => applies(rule, command));
    if (fault === undefined) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) {
      this.#faults = this.#faults.filter((rule) => rule !== fault);
    }
    return fault;
  }
}
