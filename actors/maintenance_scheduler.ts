/**
 * The maintenance scheduler: on every tick it looks for jobs that are due,
 * waits until the controller is `ready` (no handoff, no calibration), and
 * runs them one at a time, so jobs never overlap each other or a handoff's
 * start. Each run is recorded; a job asked to wait (the controller turned
 * busy just as it started) is tried again once the controller is ready.
 *
 * A job is due when its interval has passed since its last recorded run,
 * so after a restart a job missed while the service was down runs once,
 * however many intervals were missed. Within one pass (one tick) a job runs
 * at most once.
 *
 * Limits: a job that is already running is not interrupted by a handoff
 * request; calibrations are refused by the supervisor while busy and
 * handoffs are refused by it while a calibration runs.
 *
 * @module
 */

import { type Actor, assign, fromPromise, setup } from "xstate";
import type { MaintenanceRecord } from "../history/types.ts";
import type { LoggerLike } from "../logging/logger_like.ts";

/** How a job run ended; `deferred` and `idle` runs are not recorded. */
export type JobResult =
  | { outcome: "ok" | "failed" | "skipped"; detail: string }
  | { outcome: "deferred"; detail: string }
  | { outcome: "idle" };

/** One routine job. */
export interface MaintenanceJob {
  /** Its name in the history, e.g. `backup`. */
  name: string;
  /**
   * Whether it is due.
   *
   * @param nowMs wall clock, epoch ms
   * @param lastRunAtMs start of its last recorded run, if any
   */
  isDue(nowMs: number, lastRunAtMs: number | undefined): boolean;
  /** Runs it; the controller was `ready` when it was called. */
  run(signal: AbortSignal): Promise<JobResult>;
}

/**
 * The usual `isDue`: due when never run, or when `intervalMs` has passed
 * since the last run.
 *
 * @param intervalMs the job's interval
 */
export function everyInterval(
  intervalMs: number,
): MaintenanceJob["isDue"] {
  return (nowMs, lastRunAtMs) =>
    lastRunAtMs === undefined || nowMs - lastRunAtMs >= intervalMs;
}

/** What the scheduler needs. */
export interface SchedulerInput {
  /** The jobs, in priority order. */
  jobs: MaintenanceJob[];
  /** Start of a job's last recorded run (`history.lastMaintenanceRun`). */
  lastRunAtMs: (job: string) => number | undefined;
  /** Records a finished run (`history.recordMaintenance`). */
  record: (run: MaintenanceRecord) => void;
  /** True when the controller is `ready`. */
  isReady: () => boolean;
  /** Wall clock, epoch ms. */
  wallClockMs: () => number;
  /** Where runs are logged (`autofocus.maintenance`). */
  logger: LoggerLike;
  /** Time between looks for due jobs, ms. */
  tickMs: number;
  /** Time between looks at the controller while a job waits for it, ms. */
  readyPollMs: number;
}

interface SchedulerContext extends SchedulerInput {
  /** The job chosen, waiting or running. */
  current: MaintenanceJob | null;
  /** Jobs already run in this pass. */
  ranThisPass: string[];
  /** Wall time the current run started. */
  startedAtMs: number;
  /** Runs finished since start, recorded or not. */
  runs: number;
}

/**
 * Events the scheduler accepts: `scheduler.check` looks for due jobs now;
 * `controller.ready` says the controller just became ready, so a waiting
 * job need not wait for the next poll.
 */
export type SchedulerEvent =
  | { type: "scheduler.check" }
  | { type: "controller.ready" };

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const runJob = fromPromise<JobResult, { job: MaintenanceJob }>(
  ({ input, signal }) => input.job.run(signal),
);

/** The scheduler machine; its jobs and controller come in through `input`. */
export const maintenanceSchedulerMachine = setup({
  types: {
    context: {} as SchedulerContext,
    input: {} as SchedulerInput,
    events: {} as SchedulerEvent,
  },
  actors: { runJob },
  delays: {
    tick: ({ context }) => context.tickMs,
    readyPoll: ({ context }) => context.readyPollMs,
  },
  guards: {
    hasJob: ({ context }) => context.current !== null,
    isControllerReady: ({ context }) => context.isReady(),
    wasDeferred: (_, params: { result: JobResult }) =>
      params.result.outcome === "deferred",
  },
  actions: {
    startPass: assign({ ranThisPass: [] }),
    chooseJob: assign(({ context }) => {
      const nowMs = context.wallClockMs();
      const job = context.jobs.find((candidate) =>
        !context.ranThisPass.includes(candidate.name) &&
        candidate.isDue(nowMs, context.lastRunAtMs(candidate.name))
      );
      return { current: job ?? null };
    }),
    markStarted: assign(({ context }) => ({
      startedAtMs: context.wallClockMs(),
    })),
    logDeferred: ({ context }, params: { result: JobResult }) => {
      context.logger.info("Maintenance job {job} waits: {why}", {
        job: context.current?.name,
        why: "detail" in params.result ? params.result.detail : "",
      });
    },
    finishRun: assign(({ context }, params: { result: JobResult }) => {
      const job = context.current!;
      const result = params.result;
      if (result.outcome !== "idle" && result.outcome !== "deferred") {
        const properties = { job: job.name, detail: result.detail };
        if (result.outcome === "failed") {
          context.logger.error(
            "Maintenance job {job} failed: {detail}",
            properties,
          );
        } else {
          context.logger.info(
            `Maintenance job {job} ${result.outcome}: {detail}`,
            properties,
          );
        }
        try {
          context.record({
            job: job.name,
            startedAtMs: context.startedAtMs,
            finishedAtMs: context.wallClockMs(),
            outcome: result.outcome,
            detail: result.detail,
          });
        } catch (error) {
          context.logger.error("Cannot record the {job} run: {cause}", {
            job: job.name,
            cause: describe(error),
          });
        }
      }
      return {
        current: null,
        ranThisPass: [...context.ranThisPass, job.name],
        runs: context.runs + 1,
      };
    }),
  },
}).createMachine({
  id: "maintenanceScheduler",
  context: ({ input }) => ({
    ...input,
    current: null,
    ranThisPass: [],
    startedAtMs: 0,
    runs: 0,
  }),
  initial: "choosing",
  states: {
    idle: {
      after: { tick: { target: "choosing", actions: "startPass" } },
      on: { "scheduler.check": { target: "choosing", actions: "startPass" } },
    },
    choosing: {
      entry: "chooseJob",
      always: [
        { guard: "hasJob", target: "waitingForReady" },
        { target: "idle" },
      ],
    },
    waitingForReady: {
      always: { guard: "isControllerReady", target: "running" },
      after: { readyPoll: { target: "waitingForReady", reenter: true } },
      on: {
        "controller.ready": { target: "waitingForReady", reenter: true },
      },
    },
    deferred: {
      after: { readyPoll: "waitingForReady" },
    },
    running: {
      entry: "markStarted",
      invoke: {
        src: "runJob",
        input: ({ context }) => ({ job: context.current! }),
        onDone: [
          {
            guard: {
              type: "wasDeferred",
              params: ({ event }) => ({ result: event.output }),
            },
            target: "deferred",
            actions: {
              type: "logDeferred",
              params: ({ event }) => ({ result: event.output }),
            },
          },
          {
            target: "choosing",
            actions: {
              type: "finishRun",
              params: ({ event }) => ({ result: event.output }),
            },
          },
        ],
        onError: {
          target: "choosing",
          actions: {
            type: "finishRun",
            params: ({ event }) => ({
              result: { outcome: "failed", detail: describe(event.error) },
            }),
          },
        },
      },
    },
  },
});

/** A running scheduler. */
export type MaintenanceSchedulerActor = Actor<
  typeof maintenanceSchedulerMachine
>;
