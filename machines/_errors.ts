import type { DeviceKind } from "../drivers/types.ts";

/** Turns whatever an invoked device call threw into a message for people. */
export function describeError(device: DeviceKind, error: unknown): string {
  if (error instanceof Error) return error.message;
  return `${device}: ${String(error)}`;
}

/** Turns whatever an invoked actor threw into a message for people. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
