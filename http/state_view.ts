/**
 * `GET /state`: every actor's state and context as plain JSON.
 *
 * @module
 */

import type { AnyActorRef } from "xstate";

/** One actor as `/state` shows it. */
export interface ActorStateView {
  id: string;
  status: string;
  value: unknown;
  context: unknown;
}

/**
 * Every actor under `root` (the root included), keyed by system id or id.
 *
 * @param root the supervisor actor
 */
export function actorStates(root: AnyActorRef): Record<string, ActorStateView> {
  const views: Record<string, ActorStateView> = {};
  const visit = (actor: AnyActorRef, name: string) => {
    const snapshot = actor.getSnapshot();
    views[name] = {
      id: actor.id,
      status: snapshot.status,
      value: snapshot.value ?? null,
      context: toPlain(snapshot.context),
    };
    for (const [childId, child] of Object.entries(snapshot.children ?? {})) {
      if (child) visit(child as AnyActorRef, childId);
    }
  };
  visit(root, "supervisor");
  return views;
}

/** Keeps data, drops actors, devices, functions and cycles. */
function toPlain(value: unknown, depth = 0, seen = new WeakSet()): unknown {
  if (value === null || typeof value !== "object") {
    return typeof value === "function" ? undefined : value;
  }
  if (seen.has(value) || depth > 6) return undefined;
  seen.add(value);
  if (Array.isArray(value)) {
    return value.slice(-50).map((item) => toPlain(item, depth + 1, seen));
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    if (value instanceof Date) return value.toISOString();
    if ("sessionId" in value) return `actor:${(value as AnyActorRef).id}`;
    return `[${proto?.constructor?.name ?? "object"}]`;
  }
  const plain: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const converted = toPlain(item, depth + 1, seen);
    if (converted !== undefined) plain[key] = converted;
  }
  return plain;
}
