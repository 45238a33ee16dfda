import assert from "node:assert/strict";
import { openHistory } from "../../history/history.ts";
import { snapshot } from "../backup/_fixture.ts";
import { calibratedConfig } from "../actors/_lab_fixture.ts";
import { runMain, writeLabConfig } from "./_lab_cli.ts";

/** A scanner's folder: configuration, calibration, a history of 3 handoffs. */
async function liveFolder(): Promise<{ dir: string; config: string }> {
  const dir = await Deno.makeTempDir({ prefix: "lab_cli_" });
  await calibratedConfig(dir);
  const config = await writeLabConfig(dir);
  const history = openHistory(`${dir}/history.sqlite`);
  for (let i = 0; i < 3; i++) {
    history.recordHandoff({
      zSourceUm: i,
      zTargetUm: i + 0.4,
      success: true,
      elapsedMs: 120,
    });
  }
  history.close();
  return { dir, config };
}

function handoffCount(dir: string): number {
  const history = openHistory(`${dir}/history.sqlite`);
  try {
    return history.counts().handoffs;
  } finally {
    history.close();
  }
}

async function backUp(dir: string, config: string): Promise<string> {
  const run = await runMain(dir, ["backup", "--config", config, "--json"]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout).path;
}

/** The scanner's own files, without the backups. */
async function liveFiles(dir: string) {
  const files = await snapshot(dir);
  for (const name of [...files.keys()]) {
    if (/^(backups|foreign_backup)\//.test(name)) files.delete(name);
  }
  return files;
}

Deno.test("backup then restore through the CLI puts the calibration and the history back", async () => {
  const { dir, config } = await liveFolder();
  const calibration = await Deno.readTextFile(`${dir}/calibration.json`);

  const run = await runMain(dir, ["backup", "--config", config, "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const made = JSON.parse(run.stdout);
  assert.deepEqual(
    made.manifest.files.map((file: { path: string }) => file.path).sort(),
    ["calibration.json", "config.yaml", "history.sqlite"],
  );

  await Deno.writeTextFile(`${dir}/calibration.json`, "lost");
  const history = openHistory(`${dir}/history.sqlite`);
  history.recordHandoff({
    zSourceUm: 9,
    zTargetUm: 9,
    success: false,
    elapsedMs: 900,
  });
  history.close();

  const restore = await runMain(dir, ["restore", "--config", config]);
  assert.equal(restore.code, 0, restore.stderr);
  assert.match(restore.stdout, new RegExp(`Restored ${made.path}`));
  assert.equal(await Deno.readTextFile(`${dir}/calibration.json`), calibration);
  assert.equal(handoffCount(dir), 3);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("restore refuses a damaged backup with a clear message and changes nothing", async () => {
  const { dir, config } = await liveFolder();
  const backup = await backUp(dir, config);
  const calibration = await Deno.readFile(`${backup}/calibration.json`);
  calibration[10] ^= 0x20;
  await Deno.writeFile(`${backup}/calibration.json`, calibration);
  const before = await liveFiles(dir);

  const run = await runMain(dir, ["restore", backup, "--config", config]);

  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /damaged or not this scanner's; nothing was changed/,
  );
  assert.match(run.stderr, /calibration\.json does not match its checksum/);
  assert.deepEqual(await liveFiles(dir), before);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("restore refuses another scanner's backup and changes nothing", async () => {
  const { dir, config } = await liveFolder();
  const other = await Deno.makeTempDir({ prefix: "lab_cli_other_" });
  await calibratedConfig(other);
  const otherConfig = await writeLabConfig(other, "Hematology Scanner #2");
  const foreign = await backUp(other, otherConfig);
  await Deno.rename(foreign, `${dir}/foreign_backup`);
  const before = await liveFiles(dir);

  const run = await runMain(dir, [
    "restore",
    `${dir}/foreign_backup`,
    "--config",
    config,
  ]);

  assert.equal(run.code, 1);
  assert.match(run.stderr, /Hematology Scanner #2/);
  assert.match(run.stderr, /nothing was changed/);
  assert.deepEqual(await liveFiles(dir), before);
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(other, { recursive: true });
});

Deno.test("recover restores the newest good backup after a disk failure and proves it with a handoff", async () => {
  const { dir, config } = await liveFolder();
  const calibration = await Deno.readTextFile(`${dir}/calibration.json`);
  const good = await backUp(dir, config);
  const damaged = await backUp(dir, config);
  await Deno.writeTextFile(`${damaged}/history.sqlite`, "scrambled");
  await Deno.remove(`${dir}/calibration.json`);
  await Deno.remove(`${dir}/history.sqlite`);

  const run = await runMain(dir, ["recover", "--config", config, "--json"]);

  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.backup, good);
  assert.equal(report.recovered, true);
  assert.equal(report.phase, "ready");
  assert.equal(report.handoff.success, true);
  assert.equal(await Deno.readTextFile(`${dir}/calibration.json`), calibration);
  assert.equal(handoffCount(dir), 4);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("recover without a good backup says so and starts nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab_cli_" });
  const config = await writeLabConfig(dir);

  const run = await runMain(dir, ["recover", "--config", config]);

  assert.equal(run.code, 1);
  assert.match(run.stderr, /there is no backup in .*backups/);
  await assert.rejects(
    Deno.stat(`${dir}/history.sqlite`),
    Deno.errors.NotFound,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("diagnose --json reports every simulated device healthy and the trend of the history", async () => {
  const { dir, config } = await liveFolder();

  const run = await runMain(dir, ["diagnose", "--config", config, "--json"]);

  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.mode, "probe");
  assert.equal(report.devices_ok, true);
  assert.equal(report.devices.length, 5);
  assert.equal(report.trend.trend, "insufficient_data");
  assert.equal(report.history.rows.handoffs, 3);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("diagnose reports the devices and names a damaged history instead of crashing", async () => {
  const { dir, config } = await liveFolder();
  const path = `${dir}/history.sqlite`;
  await Deno.writeFile(path, crypto.getRandomValues(new Uint8Array(8192)));

  const json = await runMain(dir, ["diagnose", "--config", config, "--json"]);
  const text = await runMain(dir, ["diagnose", "--config", config]);

  assert.equal(json.code, 1, json.stderr);
  const report = JSON.parse(json.stdout);
  assert.equal(report.devices_ok, true);
  assert.equal(report.devices.length, 5);
  assert.equal(report.history, null);
  assert.match(report.history_problem, /is damaged \(file is not a database\)/);
  assert.ok(report.history_problem.includes(path));
  assert.equal(text.code, 1, text.stderr);
  assert.doesNotMatch(text.stderr, /Uncaught/);
  assert.match(text.stdout, /OK {3}turret/);
  assert.match(text.stdout, /History: DAMAGED: .*main\.ts recover/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("three backups started at once all succeed, each under its own name", async () => {
  const { dir, config } = await liveFolder();

  const runs = await Promise.all(
    [1, 2, 3].map(() => runMain(dir, ["backup", "--config", config, "--json"])),
  );

  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const paths = runs.map((run) => JSON.parse(run.stdout).path);
  assert.equal(new Set(paths).size, 3);
  const left = [];
  for await (const entry of Deno.readDir(`${dir}/backups`)) {
    left.push(entry.name);
  }
  assert.deepEqual(
    left.sort(),
    paths.map((path) => path.split("/").pop()).sort(),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("diagnose run without the flags the serial ports need names a permissions problem, not a cable", async () => {
  const { dir, config } = await liveFolder();
  const text = await Deno.readTextFile(config);
  await Deno.writeTextFile(
    config,
    text.replace(
      'lens_turret:\n    driver: "simulated"',
      'lens_turret:\n    driver: "motorized_turret_v2"\n    port: "/dev/null"',
    ),
  );

  const run = await runMain(dir, ["diagnose", "--config", config, "--json"]);

  assert.equal(run.code, 1, run.stderr);
  const [turret] = JSON.parse(run.stdout).devices;
  assert.equal(turret.problem, "permissions");
  assert.ok(
    turret.likely_fix.includes(
      `main.ts flags --command diagnose --config ${config}`,
    ),
    turret.likely_fix,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("restore keeps a configuration whose paths differ and puts the data where the current one points", async () => {
  const { dir, config } = await liveFolder();
  const calibration = await Deno.readTextFile(`${dir}/calibration.json`);
  await backUp(dir, config);
  const other = `${dir}/hc.yaml`;
  const otherText = (await Deno.readTextFile(config))
    .replace(`data_dir: "${dir}"`, `data_dir: "${dir}/hc"`)
    .replace(
      `calibration_file: "${dir}/calibration.json"`,
      `calibration_file: "${dir}/hc/calibration.json"`,
    );
  await Deno.writeTextFile(other, otherText);

  const kept = await runMain(dir, ["restore", "--config", other]);

  assert.equal(kept.code, 0, kept.stderr);
  assert.equal(await Deno.readTextFile(other), otherText);
  assert.equal(
    await Deno.readTextFile(`${dir}/hc/calibration.json`),
    calibration,
  );
  const history = openHistory(`${dir}/hc/history.sqlite`);
  assert.equal(history.counts().handoffs, 3);
  history.close();
  assert.match(kept.stdout, new RegExp(`-> ${dir}/hc/history\\.sqlite`));
  assert.match(kept.stdout, /config\.yaml +not restored: its paths differ/);
  assert.ok(
    kept.stdout.includes(
      `paths.data_dir: "${dir}" in the backup, "${dir}/hc" now`,
    ),
    kept.stdout,
  );

  const replaced = await runMain(dir, [
    "restore",
    "--config",
    other,
    "--with-config",
    "--json",
  ]);

  assert.equal(replaced.code, 0, replaced.stderr);
  assert.equal(
    await Deno.readTextFile(other),
    await Deno.readTextFile(config),
  );
  const report = JSON.parse(replaced.stdout);
  assert.equal(report.configuration.action, "restore");
  const config_ = report.files.find((f: { file: string }) =>
    f.file === "config.yaml"
  );
  assert.match(config_.kept, /hc\.yaml\.before-restore-\d{8}_\d{6}$/);
  assert.equal(await Deno.readTextFile(config_.kept), otherText);
  assert.deepEqual(report.restored.slice(0, 1), [`${dir}/calibration.json`]);
  assert.equal(handoffCount(dir), 3);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("--with-config without --config is a usage error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab_cli_" });

  const run = await runMain(dir, ["restore", "--with-config"]);

  assert.equal(run.code, 2);
  assert.match(run.stderr, /name that file with --config FILE/);
  await Deno.remove(dir, { recursive: true });
});
