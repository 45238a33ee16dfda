/**
 * The A->B handoff: predict lens-B focus from lens-A focus and temperature,
 * switch the turret and move focus (together when allowed), refine with a
 * short image search around the prediction, then validate on a last frame.
 *
 * Device work goes through the turret and focus motor actors; the camera
 * and temperature sensor are called through invoked actors, so leaving a
 * state cancels what it started.
 *
 * @module
 */

import { type AnyActorRef, assign, fromPromise, sendTo, setup } from "xstate";
import type { Clock } from "../domain/clock.ts";
import type { LensProfile } from "../domain/lens.ts";
import type { Camera, TemperatureSensor } from "../drivers/types.ts";
import type {
  FocusMetricName,
  MetricOptions,
  SearchStrategyName,
} from "../focus/types.ts";
import { FOCUS_METRICS } from "../focus/metrics/mod.ts";
import type { MappingPrediction } from "../mapping/types.ts";
import type { ParfocalMapping } from "../mapping/parfocal_mapping.ts";
import { autofocusMachine, type AutofocusResult } from "./autofocus_machine.ts";
import type { FocusMotorReply } from "./focus_motor_machine.ts";
import type { TurretReply } from "./turret_machine.ts";
import type { HandoffResult } from "./handoff_types.ts";
import { describeError } from "./_errors.ts";
import {
  handoffResult,
  type HandoffTimings,
  searchRequestFor,
} from "./_handoff_plan.ts";

/** What one handoff needs. */
export interface HandoffInput {
  /** Lens-A focus to hand off from, um. */
  zSourceUm: number;
  /** The turret actor. */
  turretRef: AnyActorRef;
  /** The focus motor actor. */
  focusRef: AnyActorRef;
  /** The camera. */
  camera: Camera;
  /** The temperature sensor. */
  temperature: TemperatureSensor;
  /** The calibrated parfocal mapping. */
  mapping: ParfocalMapping;
  /** Clock that times every phase. */
  clock: Clock;
  /** Profile of lens B. */
  lensB: LensProfile;
  /** Fine-search strategy. */
  strategy: SearchStrategyName;
  /** Metric that scores lens-B frames. */
  metric: FocusMetricName;
  /** Region and subsampling for the metric. */
  metricOptions?: MetricOptions;
  /** Switch the turret and move focus at the same time. */
  concurrent: boolean;
  /** Most frames the fine search may take. */
  maxFrames: number;
}

interface Prediction {
  prediction: MappingPrediction;
  temperatureC: number;
  cacheHit: boolean;
  zTargetUm: number;
}

interface HandoffContext extends HandoffInput {
  startedMs: number;
  phaseStartedMs: number;
  predicted: Prediction | null;
  timings: HandoffTimings;
  search: AutofocusResult | null;
  validationScore: number | null;
  failure: HandoffResult["error"] | null;
  lensInPlace: boolean;
  focusInPlace: boolean;
}

type HandoffEvent = TurretReply | FocusMotorReply;

/** Reads the temperature and predicts lens-B focus, noting cache hits. */
const predictTarget = fromPromise<
  Prediction,
  {
    mapping: ParfocalMapping;
    temperature: TemperatureSensor;
    zSourceUm: number;
    lensB: LensProfile;
  }
>(async ({ input, signal }) => {
  const temperatureC = await input.temperature.readC(signal);
  const hitsBefore = input.mapping.cacheStats().hits;
  const prediction = input.mapping.predict(input.zSourceUm, temperatureC);
  const zTargetUm = Math.min(
    input.lensB.zMaxUm,
    Math.max(input.lensB.zMinUm, prediction.zBUm),
  );
  return {
    prediction,
    temperatureC,
    cacheHit: input.mapping.cacheStats().hits > hitsBefore,
    zTargetUm,
  };
});

/** Exposes the validation frame and scores it. */
const scoreFrame = fromPromise<
  number,
  { camera: Camera; metric: FocusMetricName; metricOptions?: MetricOptions }
>(async ({ input, signal }) => {
  const frame = await input.camera.capture(signal);
  return FOCUS_METRICS[input.metric](frame, input.metricOptions);
});

/** The handoff machine; it ends in a final state with a `HandoffResult`. */
export const handoffMachine = setup({
  types: {
    context: {} as HandoffContext,
    input: {} as HandoffInput,
    events: {} as HandoffEvent,
    output: {} as HandoffResult,
  },
  actors: { predictTarget, autofocus: autofocusMachine, scoreFrame },
  guards: {
    isConcurrent: ({ context }) => context.concurrent,
    isReachableByLensB: ({ context, event }) => {
      const zBUm = (event as unknown as { output: Prediction }).output
        .prediction.zBUm;
      return zBUm >= context.lensB.zMinUm && zBUm <= context.lensB.zMaxUm;
    },
    isFocusFound: ({ event }) =>
      (event as unknown as { output: AutofocusResult }).output.outcome ===
        "found",
    isPositioned: ({ context }) => context.lensInPlace && context.focusInPlace,
    isLensInPlace: ({ context }) => context.lensInPlace,
    isNotWorseThanStart: ({ context }) => {
      const start = context.search?.samples[0]?.score;
      return start === undefined || context.validationScore! >= start * 0.98;
    },
  },
  actions: {
    startPhase: assign(({ context }) => ({
      phaseStartedMs: context.clock.now(),
    })),
    recordPrediction: assign((_, params: { predicted: Prediction }) => ({
      predicted: params.predicted,
    })),
    requestSwitch: sendTo(
      ({ context }) => context.turretRef,
      ({ self }) => ({ type: "turret.switch", lens: "B", replyTo: self }),
    ),
    requestMoveToPrediction: sendTo(
      ({ context }) => context.focusRef,
      ({ context, self }) => ({
        type: "focus.move",
        zUm: context.predicted!.zTargetUm,
        replyTo: self,
      }),
    ),
    requestMoveToFound: sendTo(
      ({ context }) => context.focusRef,
      ({ context, self }) => ({
        type: "focus.move",
        zUm: context.search!.zUm!,
        replyTo: self,
      }),
    ),
    requestMoveToStart: sendTo(
      ({ context }) => context.focusRef,
      ({ context, self }) => ({
        type: "focus.move",
        zUm: context.search!.samples[0].zUm,
        replyTo: self,
      }),
    ),
    recordSwitched: assign(({ context, event }) => ({
      lensInPlace: true,
      timings: {
        ...context.timings,
        lensSwitchMs: event.type === "turret.switched" ? event.elapsedMs : 0,
      },
    })),
    recordMoved: assign(({ context, event }) => ({
      focusInPlace: true,
      timings: {
        ...context.timings,
        focusMoveMs: event.type === "focus.moved" ? event.elapsedMs : 0,
      },
    })),
    recordSearch: assign((
      { context },
      params: { search: AutofocusResult },
    ) => ({
      search: params.search,
      timings: {
        ...context.timings,
        focusSearchMs: context.clock.now() - context.phaseStartedMs,
      },
    })),
    recordValidation: assign(({ context }, params: { score: number }) => ({
      validationScore: params.score,
      timings: {
        ...context.timings,
        validationMs: context.clock.now() - context.phaseStartedMs,
      },
    })),
    recordFailure: assign((_, params: { error: HandoffResult["error"] }) => ({
      failure: params.error,
    })),
  },
}).createMachine({
  id: "handoff",
  context: ({ input }) => ({
    ...input,
    startedMs: input.clock.now(),
    phaseStartedMs: input.clock.now(),
    predicted: null,
    timings: {
      lensSwitchMs: 0,
      focusMoveMs: 0,
      focusSearchMs: 0,
      validationMs: 0,
    },
    search: null,
    validationScore: null,
    failure: null,
    lensInPlace: false,
    focusInPlace: false,
  }),
  initial: "predicting",
  states: {
    predicting: {
      invoke: {
        src: "predictTarget",
        input: ({ context }) => ({
          mapping: context.mapping,
          temperature: context.temperature,
          zSourceUm: context.zSourceUm,
          lensB: context.lensB,
        }),
        onDone: [
          {
            guard: "isReachableByLensB",
            target: "positioning",
            actions: {
              type: "recordPrediction",
              params: ({ event }) => ({ predicted: event.output }),
            },
          },
          {
            target: "failed",
            actions: [
              {
                type: "recordPrediction",
                params: ({ event }) => ({ predicted: event.output }),
              },
              {
                type: "recordFailure",
                params: ({ context, event }) => ({
                  error: {
                    device: "mapping",
                    message:
                      `Lens-B focus for z_source ${context.zSourceUm} um is predicted at ${
                        event.output.prediction.zBUm.toFixed(2)
                      } um, outside lens B's range ${context.lensB.zMinUm}..${context.lensB.zMaxUm} um: no search was run; hand off from a field whose lens-A focus is nearer the middle of the range`,
                  },
                }),
              },
            ],
          },
        ],
        onError: {
          target: "failed",
          actions: {
            type: "recordFailure",
            params: ({ event }) => ({
              error: {
                device: "temperature",
                message: describeError("temperature", event.error),
              },
            }),
          },
        },
      },
    },
    positioning: {
      entry: ["startPhase", "requestSwitch"],
      initial: "choosing",
      states: {
        choosing: {
          always: [
            {
              guard: "isConcurrent",
              target: "together",
              actions: "requestMoveToPrediction",
            },
            { target: "lensFirst" },
          ],
        },
        together: {
          always: { guard: "isPositioned", target: "#handoff.searching" },
        },
        lensFirst: {
          always: {
            guard: "isLensInPlace",
            target: "together",
            actions: "requestMoveToPrediction",
          },
        },
      },
      on: {
        "turret.switched": { actions: "recordSwitched" },
        "focus.moved": { actions: "recordMoved" },
        "turret.failed": {
          target: "failed",
          actions: {
            type: "recordFailure",
            params: ({ event }) => ({
              error: { device: "turret", message: event.message },
            }),
          },
        },
        "focus.failed": {
          target: "failed",
          actions: {
            type: "recordFailure",
            params: ({ event }) => ({
              error: { device: "focus_motor", message: event.message },
            }),
          },
        },
      },
    },
    searching: {
      entry: "startPhase",
      invoke: {
        src: "autofocus",
        input: ({ context }) => ({
          focusRef: context.focusRef,
          camera: context.camera,
          clock: context.clock,
          lens: context.lensB,
          strategy: context.strategy,
          metric: context.metric,
          metricOptions: context.metricOptions,
          request: searchRequestFor(
            context.lensB,
            context.predicted!.zTargetUm,
            context.predicted!.prediction,
            context.maxFrames,
          ),
        }),
        onDone: [
          {
            guard: "isFocusFound",
            target: "validating",
            actions: {
              type: "recordSearch",
              params: ({ event }) => ({ search: event.output }),
            },
          },
          {
            target: "failed",
            actions: [
              {
                type: "recordSearch",
                params: ({ event }) => ({ search: event.output }),
              },
              {
                type: "recordFailure",
                params: ({ event }) => ({
                  error: {
                    device: "autofocus",
                    message: `lens B focus not found: ${
                      event.output.reason ?? "no reason given"
                    }`,
                  },
                }),
              },
            ],
          },
        ],
      },
    },
    validating: {
      entry: ["startPhase", "requestMoveToFound"],
      initial: "moving",
      states: {
        moving: {
          on: {
            "focus.moved": "scoring",
            "focus.failed": {
              target: "#handoff.failed",
              actions: {
                type: "recordFailure",
                params: ({ event }) => ({
                  error: { device: "focus_motor", message: event.message },
                }),
              },
            },
          },
        },
        scoring: {
          invoke: {
            src: "scoreFrame",
            input: ({ context }) => ({
              camera: context.camera,
              metric: context.metric,
              metricOptions: context.metricOptions,
            }),
            onDone: {
              target: "checking",
              actions: {
                type: "recordValidation",
                params: ({ event }) => ({ score: event.output }),
              },
            },
            onError: {
              target: "#handoff.failed",
              actions: {
                type: "recordFailure",
                params: ({ event }) => ({
                  error: {
                    device: "camera",
                    message: describeError("camera", event.error),
                  },
                }),
              },
            },
          },
        },
        checking: {
          always: [
            { guard: "isNotWorseThanStart", target: "#handoff.done" },
            {
              target: "rejecting",
              actions: {
                type: "recordFailure",
                params: {
                  error: {
                    device: "autofocus",
                    message:
                      "refined focus was blurrier than where the search started; the result was rejected and focus returned to the start",
                  },
                },
              },
            },
          ],
        },
        rejecting: {
          entry: "requestMoveToStart",
          on: {
            "focus.moved": "#handoff.failed",
            "focus.failed": "#handoff.failed",
          },
        },
      },
    },
    done: { type: "final" },
    failed: { type: "final" },
  },
  output: ({ context }) => handoffResult(context),
});
