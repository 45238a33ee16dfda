/**
 * Follows the states of the controller and its device actors (turret,
 * focus motor) as they change, for the metrics' `device_state` gauge.
 *
 * @module
 */

import type { AnyActorRef, Subscription } from "xstate";

/** Device actors watched, by system id. */
export const WATCHED_DEVICES = ["turret", "focus_motor"] as const;

/**
 * A state value as one word: `"idle"`, or `"moving.settling"` for a nested
 * state (the first active branch of a parallel one).
 *
 * @param value an XState snapshot value
 */
export function stateName(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || typeof value !== "object") return String(value);
  const [key, child] = Object.entries(value)[0] ?? ["unknown", undefined];
  return child === undefined || (typeof child === "object" &&
      child !== null && Object.keys(child).length === 0)
    ? key
    : `${key}.${stateName(child)}`;
}

/**
 * Calls `onState` with the controller's phase on every change of the
 * supervisor, and with each device actor's state on every change of that
 * actor, from the moment the supervisor spawns it.
 *
 * @param supervisor the supervisor actor
 * @param phase reads the controller's phase (`ScannerService.phase`)
 * @param onState receives (device, state) on each change
 * @returns a function that stops watching
 */
export function watchDeviceStates(
  supervisor: AnyActorRef,
  phase: () => string,
  onState: (device: string, state: string) => void,
): () => void {
  const watched = new Map<string, { ref: AnyActorRef; sub: Subscription }>();
  let lastPhase: string | undefined;

  const follow = (systemId: string) => {
    const ref = supervisor.system.get(systemId) as AnyActorRef | undefined;
    if (!ref || watched.get(systemId)?.ref === ref) return;
    watched.get(systemId)?.sub.unsubscribe();
    let last: string | undefined;
    const report = () => {
      const state = stateName(ref.getSnapshot().value);
      if (state === last) return;
      last = state;
      onState(systemId, state);
    };
    watched.set(systemId, { ref, sub: ref.subscribe({ next: report }) });
    report();
  };

  const onSupervisor = () => {
    const current = phase();
    if (current !== lastPhase) {
      lastPhase = current;
      onState("controller", current);
    }
    for (const systemId of WATCHED_DEVICES) follow(systemId);
  };
  const subscription = supervisor.subscribe({ next: onSupervisor });
  onSupervisor();

  return () => {
    subscription.unsubscribe();
    for (const { sub } of watched.values()) sub.unsubscribe();
    watched.clear();
  };
}
