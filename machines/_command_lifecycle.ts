/**
 * What the turret and focus motor machines do when a command ends, written
 * once: both hold one command at a time, keep the latest request that came
 * in meanwhile, and refuse it when their port went away.
 *
 * The machines using this must define the guards `isDisconnected` and
 * `hasQueued`, the actions `refuseQueued` and `startQueued`, and the states
 * `disconnected`, `idle` and `fault`.
 *
 * @module
 */

/**
 * The transient state after a command: to `disconnected` (refusing the
 * waiting request) when the port is gone, back to `busy` for a waiting
 * request, else to `rest`.
 *
 * @param busy the state that runs a command ("switching", "moving")
 * @param rest where to go with nothing waiting: "idle" after success,
 *   "fault" after a failure
 */
export function afterCommand<Busy extends string>(
  busy: Busy,
  rest: "idle" | "fault",
) {
  return {
    always: [
      {
        guard: "isDisconnected",
        target: "disconnected",
        actions: "refuseQueued",
      },
      { guard: "hasQueued", target: busy, actions: "startQueued" },
      { target: rest },
    ],
  } as const;
}
