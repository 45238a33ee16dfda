/**
 * The calibration lifecycle as visible steps: verifying the hardware,
 * characterising the lenses, collecting points, fitting and evaluating,
 * validating performance, deciding and saving. A failure at any step ends
 * in `failed` with the step and the cause; nothing is saved then, so the
 * previous calibration stays in force and on disk.
 *
 * @module
 */

import { assign, fromPromise, setup } from "xstate";
import type { CalibrationPoint } from "../mapping/types.ts";
import type { ParfocalMapping } from "../mapping/parfocal_mapping.ts";
import { saveCalibration } from "../mapping/calibration_file.ts";
import { errorMessage } from "./_errors.ts";
import {
  type CalibrationEnvironment,
  type CalibrationPlan,
  characteriseLenses,
  collectPoints,
  decideReadiness,
  fitAndEvaluate,
  type FitOutcome,
  type HardwareCheck,
  type LensCharacterisation,
  type PerformanceValidation,
  validatePerformance,
  verifyHardware,
} from "../actors/calibration_steps.ts";

/** The visible steps, in order. */
export type CalibrationStep =
  | "verifying"
  | "characterising"
  | "collecting"
  | "fitting"
  | "validating"
  | "saving";

/** Progress, as followed over SSE and `GET /calibrate`. */
export interface CalibrationProgress {
  step: CalibrationStep;
  /** 0..1 over the whole procedure. */
  fraction: number;
  message: string;
}

/** What a calibration run needs. */
export interface CalibrationInput {
  env: CalibrationEnvironment;
  plan: CalibrationPlan;
  /** Where the calibration is saved. */
  calibrationFile: string;
  /** Called on every step and every collected point. */
  onProgress: (progress: CalibrationProgress) => void;
}

/** The outcome of a calibration run. */
export interface CalibrationReport {
  /** True when every step ran and the file was saved. */
  completed: boolean;
  /** The step that failed, if any. */
  failedStep: CalibrationStep | null;
  /** Why it failed. */
  failure: string | null;
  /** Whether the result meets the production targets, and why not. */
  ready: boolean;
  readinessReasons: string[];
  hardware: HardwareCheck[];
  lenses: LensCharacterisation[];
  points: CalibrationPoint[];
  heldOutRmsUm: number | null;
  heldOutMaxUm: number | null;
  performance: PerformanceValidation | null;
  /** The new mapping; `null` unless completed. */
  mapping: ParfocalMapping | null;
  /** Where the previous calibration was kept. */
  backupPath: string | null;
}

interface CalibrationContext extends CalibrationInput {
  step: CalibrationStep;
  report: CalibrationReport;
  fit: FitOutcome | null;
}

const STEP_FRACTION: Record<CalibrationStep, number> = {
  verifying: 0,
  characterising: 0.05,
  collecting: 0.1,
  fitting: 0.7,
  validating: 0.72,
  saving: 0.98,
};

/** The calibration machine; it ends with a `CalibrationReport`. */
export const calibrationMachine = setup({
  types: {
    context: {} as CalibrationContext,
    input: {} as CalibrationInput,
    output: {} as CalibrationReport,
  },
  actors: {
    verifyHardware: fromPromise<HardwareCheck[], CalibrationContext>(
      ({ input, signal }) => verifyHardware(input.env, signal),
    ),
    characteriseLenses: fromPromise<LensCharacterisation[], CalibrationContext>(
      ({ input, signal }) => characteriseLenses(input.env, signal),
    ),
    collectPoints: fromPromise<CalibrationPoint[], CalibrationContext>(
      ({ input, signal }) =>
        collectPoints(input.env, input.plan, (index) => {
          input.onProgress({
            step: "collecting",
            fraction: STEP_FRACTION.collecting +
              (STEP_FRACTION.fitting - STEP_FRACTION.collecting) *
                (index + 1) / input.plan.pointCount,
            message: `point ${index + 1} of ${input.plan.pointCount}`,
          });
        }, signal),
    ),
    fit: fromPromise<FitOutcome, CalibrationContext>(({ input }) =>
      Promise.resolve(
        fitAndEvaluate(input.env, input.report.points, input.plan, new Date()),
      )
    ),
    validatePerformance: fromPromise<PerformanceValidation, CalibrationContext>(
      ({ input, signal }) =>
        validatePerformance(input.env, input.fit!.mapping, input.plan, signal),
    ),
    save: fromPromise<{ backupPath?: string }, CalibrationContext>(
      ({ input }) => saveCalibration(input.calibrationFile, input.fit!.mapping),
    ),
  },
  guards: {
    isHardwareHealthy: ({ event }) =>
      (event as unknown as { output: HardwareCheck[] }).output.every((check) =>
        check.pass
      ),
  },
  actions: {
    enterStep: assign(({ context }, params: { step: CalibrationStep }) => {
      context.onProgress({
        step: params.step,
        fraction: STEP_FRACTION[params.step],
        message: `${params.step}`,
      });
      return { step: params.step };
    }),
    recordReport: assign(
      ({ context }, params: Partial<CalibrationReport>) => ({
        report: { ...context.report, ...params },
      }),
    ),
    recordFit: assign(({ context }, params: { fit: FitOutcome }) => ({
      fit: params.fit,
      report: {
        ...context.report,
        heldOutRmsUm: params.fit.heldOutRmsUm,
        heldOutMaxUm: params.fit.heldOutMaxUm,
      },
    })),
    recordFailure: assign(({ context }, params: { error: unknown }) => ({
      report: {
        ...context.report,
        failedStep: context.step,
        failure: errorMessage(params.error),
      },
    })),
    decide: assign(({ context }) => {
      const verdict = decideReadiness(
        context.fit!,
        context.report.performance!,
      );
      return {
        report: {
          ...context.report,
          ready: verdict.ready,
          readinessReasons: verdict.reasons,
        },
      };
    }),
  },
}).createMachine({
  id: "calibration",
  context: ({ input }) => ({
    ...input,
    step: "verifying",
    fit: null,
    report: {
      completed: false,
      failedStep: null,
      failure: null,
      ready: false,
      readinessReasons: [],
      hardware: [],
      lenses: [],
      points: [],
      heldOutRmsUm: null,
      heldOutMaxUm: null,
      performance: null,
      mapping: null,
      backupPath: null,
    },
  }),
  initial: "verifying",
  states: {
    verifying: {
      entry: { type: "enterStep", params: { step: "verifying" } },
      invoke: {
        src: "verifyHardware",
        input: ({ context }) => context,
        onDone: [
          {
            guard: "isHardwareHealthy",
            target: "characterising",
            actions: {
              type: "recordReport",
              params: ({ event }) => ({ hardware: event.output }),
            },
          },
          {
            target: "failed",
            actions: [
              {
                type: "recordReport",
                params: ({ event }) => ({ hardware: event.output }),
              },
              {
                type: "recordFailure",
                params: ({ event }) => ({
                  error: `hardware verification failed: ${
                    event.output.filter((check) => !check.pass).map((check) =>
                      `${check.device}: ${check.detail}`
                    ).join("; ")
                  }`,
                }),
              },
            ],
          },
        ],
        onError: {
          target: "failed",
          actions: {
            type: "recordFailure",
            params: ({ event }) => ({ error: event.error }),
          },
        },
      },
    },
    characterising: {
      entry: { type: "enterStep", params: { step: "characterising" } },
      invoke: {
        src: "characteriseLenses",
        input: ({ context }) => context,
        onDone: {
          target: "collecting",
          actions: {
            type: "recordReport",
            params: ({ event }) => ({ lenses: event.output }),
          },
        },
        onError: {
          target: "failed",
          actions: {
            type: "recordFailure",
            params: ({ event }) => ({ error: event.error }),
          },
        },
      },
    },
    collecting: {
      entry: { type: "enterStep", params: { step: "collecting" } },
      invoke: {
        src: "collectPoints",
        input: ({ context }) => context,
        onDone: {
          target: "fitting",
          actions: {
            type: "recordReport",
            params: ({ event }) => ({ points: event.output }),
          },
        },
        onError: {
          target: "failed",
          actions: {
            type: "recordFailure",
            params: ({ event }) => ({ error: event.error }),
          },
        },
      },
    },
    fitting: {
      entry: { type: "enterStep", params: { step: "fitting" } },
      invoke: {
        src: "fit",
        input: ({ context }) => context,
        onDone: {
          target: "validating",
          actions: {
            type: "recordFit",
            params: ({ event }) => ({ fit: event.output }),
          },
        },
        onError: {
          target: "failed",
          actions: {
            type: "recordFailure",
            params: ({ event }) => ({ error: event.error }),
          },
        },
      },
    },
    validating: {
      entry: { type: "enterStep", params: { step: "validating" } },
      invoke: {
        src: "validatePerformance",
        input: ({ context }) => context,
        onDone: {
          target: "saving",
          actions: [
            {
              type: "recordReport",
              params: ({ event }) => ({ performance: event.output }),
            },
            "decide",
          ],
        },
        onError: {
          target: "failed",
          actions: {
            type: "recordFailure",
            params: ({ event }) => ({ error: event.error }),
          },
        },
      },
    },
    saving: {
      entry: { type: "enterStep", params: { step: "saving" } },
      invoke: {
        src: "save",
        input: ({ context }) => context,
        onDone: {
          target: "done",
          actions: {
            type: "recordReport",
            params: ({ context, event }) => ({
              completed: true,
              mapping: context.fit!.mapping,
              backupPath: event.output.backupPath ?? null,
            }),
          },
        },
        onError: {
          target: "failed",
          actions: {
            type: "recordFailure",
            params: ({ event }) => ({ error: event.error }),
          },
        },
      },
    },
    done: { type: "final" },
    failed: { type: "final" },
  },
  output: ({ context }) => context.report,
});
