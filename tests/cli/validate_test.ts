import assert from "node:assert/strict";
import {
  derivedCommand,
  freePort,
  runFromRepo,
  writeSimulatorConfig,
} from "./_derived_flags.ts";

interface Check {
  name: string;
  pass: boolean;
  detail: string;
  fix: string | null;
}

Deno.test("main.ts validate passes on the simulator under its derived flags and says so check by check", async () => {
  const dir = await Deno.makeTempDir();
  const config = await writeSimulatorConfig(dir, freePort());
  const command = await derivedCommand("validate", config);

  assert.ok(command.includes("--allow-sys=statfs"), command.join(" "));
  assert.ok(!command.some((word) => /^--allow-(all|run)\b|^-A$/.test(word)));
  const run = await runFromRepo(command, ["--min-free-gb", "1"]);

  assert.equal(run.code, 0, run.stdout + run.stderr);
  const lines = run.stdout.trim().split("\n");
  assert.equal(lines.at(-1), "All 16 checks passed");
  assert.ok(lines.slice(0, -1).every((line) => line.startsWith("PASS  ")));
  assert.match(run.stdout, /PASS {2}turret switch time: A->B \d+\.\d ms/);
  assert.match(run.stdout, /PASS {2}disk space: \d+\.\d GB free/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("main.ts validate --json exits 1 on a missing turret port and names the port and the fix", async () => {
  const dir = await Deno.makeTempDir();
  const port = `${dir}/ttyUSB9`;
  const config = await writeSimulatorConfig(
    dir,
    freePort(),
    (yaml) =>
      yaml.replace(
        /lens_turret:\n {4}driver: "simulated"/,
        `lens_turret:\n    driver: "motorized_turret_v2"\n    port: "${port}"`,
      ),
  );
  const command = await derivedCommand("validate", config);
  const run = await runFromRepo(command, ["--json", "--min-free-gb", "1"]);

  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as { passed: boolean; checks: Check[] };
  assert.equal(report.passed, false);
  const failures = report.checks.filter((check) => !check.pass);
  assert.deepEqual(failures.map((check) => check.name), [
    "port hardware.lens_turret.port",
    "turret answers",
    "turret switch time",
  ]);
  assert.equal(failures[0].detail, `${port} does not exist`);
  assert.match(failures[0].fix!, /set hardware\.lens_turret\.port/);
  assert.match(failures[1].detail, new RegExp(port));
  await Deno.remove(dir, { recursive: true });
});
