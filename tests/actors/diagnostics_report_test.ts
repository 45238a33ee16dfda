import assert from "node:assert/strict";
import { diagnosticsReport } from "../../actors/diagnostics_report.ts";

const MALFORMED = () => {
  throw new Error("database disk image is malformed");
};

Deno.test("a history that fails to read is reported as damaged, with the devices still there", () => {
  const report = diagnosticsReport({
    scanner: "Scanner",
    mode: "probe",
    controller: null,
    devices: [],
    history: {
      path: "/data/history.sqlite",
      size: () => ({ databaseBytes: 4096, walBytes: 0 }),
      counts: MALFORMED,
      recentHandoffs: MALFORMED,
      activeAlerts: MALFORMED,
    },
    now: new Date(0),
  });

  assert.equal(report.history, null);
  assert.deepEqual(report.alerts, []);
  assert.equal(report.trend.trend, "insufficient_data");
  assert.match(
    report.history_problem!,
    /^Cannot use the history database \/data\/history\.sqlite: the file is damaged \(database disk image is malformed\); .*main\.ts recover/,
  );
});

Deno.test("a report without a history has no history problem unless one is given", () => {
  const parts = {
    scanner: "Scanner",
    mode: "probe" as const,
    controller: null,
    devices: [],
    history: null,
  };

  assert.equal(diagnosticsReport(parts).history_problem, null);
  assert.equal(
    diagnosticsReport({ ...parts, historyProblem: "it is damaged" })
      .history_problem,
    "it is damaged",
  );
});
