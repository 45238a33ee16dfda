/**
 * Request and reply between an async step and a long-lived actor. The
 * device machines answer whoever they are told to (`replyTo`); this gives
 * them a one-shot inbox so a promise actor can await the answer.
 *
 * @module
 */

import {
  type AnyActorRef,
  type AnyEventObject,
  createActor,
  fromCallback,
} from "xstate";

/**
 * Sends the event built by `makeEvent` to `target` and resolves with the
 * first reply whose type is in `replyTypes`.
 *
 * @param target the actor to ask
 * @param makeEvent builds the request around the inbox to reply to
 * @param replyTypes event types that count as the answer
 * @param signal abandons the wait (the reply, if any, is then ignored)
 * @returns the reply event
 * @throws the signal's reason when aborted first
 */
export function ask<Reply extends AnyEventObject>(
  target: AnyActorRef,
  makeEvent: (replyTo: AnyActorRef) => AnyEventObject,
  replyTypes: readonly Reply["type"][],
  signal?: AbortSignal,
): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const inbox = createActor(fromCallback<AnyEventObject>(({ receive }) => {
      receive((event) => {
        if (!replyTypes.includes(event.type)) return;
        finish();
        resolve(event as Reply);
      });
    }));
    const onAbort = () => {
      finish();
      reject(signal?.reason);
    };
    const finish = () => {
      signal?.removeEventListener("abort", onAbort);
      queueMicrotask(() => inbox.stop());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    inbox.start();
    target.send(makeEvent(inbox));
  });
}
