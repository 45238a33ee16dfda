/**
 * One image-based focus search: ask the search where to sample, move the
 * focus there through the focus motor actor, expose a frame only after the
 * move has settled, score it, and repeat until the search answers.
 *
 * The frames, scores and chosen z stay in the snapshot and the output, so
 * callers (HTTP `/stats`, the CLI's `--json`) can show how focus was found.
 *
 * @module
 */

import { type AnyActorRef, assign, fromPromise, sendTo, setup } from "xstate";
import type { Clock } from "../domain/clock.ts";
import type { LensProfile } from "../domain/lens.ts";
import type { Camera } from "../drivers/types.ts";
import type {
  FocusMetricName,
  FocusSample,
  FocusSearch,
  MetricOptions,
  SearchRequest,
  SearchStep,
  SearchStrategyName,
} from "../focus/types.ts";
import { FOCUS_METRICS } from "../focus/metrics/mod.ts";
import { createSearch, type SearchOptions } from "../focus/search/mod.ts";
import type { FocusMotorReply } from "./focus_motor_machine.ts";
import { describeError } from "./_errors.ts";

/** What one autofocus run needs. */
export interface AutofocusInput {
  /** The focus motor actor that moves z. */
  focusRef: AnyActorRef;
  /** The camera that exposes frames. */
  camera: Camera;
  /** Clock that times the search. */
  clock: Clock;
  /** The lens in place. */
  lens: LensProfile;
  /** Which search to run. */
  strategy: SearchStrategyName;
  /** Which metric scores frames. */
  metric: FocusMetricName;
  /** Region and subsampling for the metric. */
  metricOptions?: MetricOptions;
  /** Bounds and hints of the search. */
  request: SearchRequest;
  /** Tuning of the search, e.g. the grid a recorded stack allows. */
  searchOptions?: SearchOptions;
}

/** How an autofocus run ended. */
export type AutofocusOutcome = "found" | "not_found" | "failed";

/** What an autofocus run reports. */
export interface AutofocusResult {
  /** How it ended. */
  outcome: AutofocusOutcome;
  /** Chosen focus, um; `null` unless found. */
  zUm: number | null;
  /** Fitted peak score at the chosen z. */
  peakScore: number | null;
  /** How the peak was chosen ("parabola", "gaussian", ...). */
  method: string | null;
  /** Every scored frame, in order. */
  samples: FocusSample[];
  /** Frames exposed. */
  frames: number;
  /** Time the search took, ms. */
  elapsedMs: number;
  /** Why it did not find focus. */
  reason: string | null;
}

interface AutofocusContext extends AutofocusInput {
  search: FocusSearch;
  samples: FocusSample[];
  step: SearchStep | null;
  settledZUm: number | null;
  startedMs: number;
  reason: string | null;
  outcome: AutofocusOutcome;
}

type AutofocusEvent = FocusMotorReply;

/** Exposes one frame and scores it with the configured metric. */
const captureAndScore = fromPromise<
  number,
  {
    camera: Camera;
    metric: FocusMetricName;
    metricOptions?: MetricOptions;
  }
>(async ({ input, signal }) => {
  const frame = await input.camera.capture(signal);
  return FOCUS_METRICS[input.metric](frame, input.metricOptions);
});

function resultOf(context: AutofocusContext): AutofocusResult {
  const found = context.outcome === "found" && context.step?.kind === "found"
    ? context.step
    : null;
  return {
    outcome: context.outcome,
    zUm: found?.zUm ?? null,
    peakScore: found?.peakScore ?? null,
    method: found?.method ?? null,
    samples: context.samples,
    frames: context.samples.length,
    elapsedMs: context.clock.now() - context.startedMs,
    reason: context.reason,
  };
}

/** The autofocus machine; it ends in a final state with an `AutofocusResult`. */
export const autofocusMachine = setup({
  types: {
    context: {} as AutofocusContext,
    input: {} as AutofocusInput,
    events: {} as AutofocusEvent,
    output: {} as AutofocusResult,
  },
  actors: { captureAndScore },
  guards: {
    wantsSample: ({ context }) => context.step?.kind === "sample",
    isFound: ({ context }) => context.step?.kind === "found",
    isOverBudget: ({ context }) =>
      context.step?.kind === "sample" &&
      context.samples.length >= context.request.maxFrames,
  },
  actions: {
    planNext: assign(({ context }) => ({
      step: context.search.next(context.samples),
    })),
    requestMove: sendTo(
      ({ context }) => context.focusRef,
      ({ context, self }) => ({
        type: "focus.move",
        zUm: context.step?.kind === "sample" ? context.step.zUm : 0,
        replyTo: self,
      }),
    ),
    recordSettled: assign(({ event }) => ({
      settledZUm: event.type === "focus.moved" ? event.zUm : null,
    })),
    recordSample: assign(({ context }, params: { score: number }) => ({
      samples: [
        ...context.samples,
        { zUm: context.settledZUm!, score: params.score },
      ],
    })),
    recordReason: assign((_, params: { reason: string }) => ({
      reason: params.reason,
    })),
    recordOutcome: assign((_, params: { outcome: AutofocusOutcome }) => ({
      outcome: params.outcome,
    })),
  },
}).createMachine({
  id: "autofocus",
  context: ({ input }) => ({
    ...input,
    search: createSearch(input.strategy, input.request, input.searchOptions),
    samples: [],
    step: null,
    settledZUm: null,
    startedMs: input.clock.now(),
    reason: null,
    outcome: "not_found",
  }),
  initial: "planning",
  states: {
    planning: {
      entry: "planNext",
      always: [
        {
          guard: "isOverBudget",
          target: "notFound",
          actions: {
            type: "recordReason",
            params: ({ context }) => ({
              reason:
                `no focus within the budget of ${context.request.maxFrames} frames`,
            }),
          },
        },
        { guard: "wantsSample", target: "moving" },
        { guard: "isFound", target: "found" },
        {
          target: "notFound",
          actions: {
            type: "recordReason",
            params: ({ context }) => ({
              reason: context.step?.kind === "not_found"
                ? context.step.reason
                : "the search gave no answer",
            }),
          },
        },
      ],
    },
    moving: {
      entry: "requestMove",
      on: {
        "focus.moved": { target: "capturing", actions: "recordSettled" },
        "focus.failed": {
          target: "failed",
          actions: {
            type: "recordReason",
            params: ({ event }) => ({ reason: event.message }),
          },
        },
      },
    },
    capturing: {
      invoke: {
        src: "captureAndScore",
        input: ({ context }) => ({
          camera: context.camera,
          metric: context.metric,
          metricOptions: context.metricOptions,
        }),
        onDone: {
          target: "planning",
          actions: {
            type: "recordSample",
            params: ({ event }) => ({ score: event.output }),
          },
        },
        onError: {
          target: "failed",
          actions: {
            type: "recordReason",
            params: ({ event }) => ({
              reason: describeError("camera", event.error),
            }),
          },
        },
      },
    },
    found: {
      type: "final",
      entry: { type: "recordOutcome", params: { outcome: "found" } },
    },
    notFound: {
      type: "final",
      entry: { type: "recordOutcome", params: { outcome: "not_found" } },
    },
    failed: {
      type: "final",
      entry: { type: "recordOutcome", params: { outcome: "failed" } },
    },
  },
  output: ({ context }) => resultOf(context),
});
