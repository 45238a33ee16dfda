import assert from "node:assert/strict";
import { planRestore } from "../../actors/lab_files.ts";
import { BackupError } from "../../backup/errors.ts";
import { parseConfig } from "../../config/load.ts";
import { DEFAULT_CONFIG_YAML } from "../../config/default_config.ts";

const NO_ENV = () => undefined;

/** The default configuration text with its data folder moved. */
function configText(dataDir: string): string {
  return DEFAULT_CONFIG_YAML
    .replace('data_dir: "var"', `data_dir: "${dataDir}"`)
    .replace(
      'calibration_file: "var/calibration.json"',
      `calibration_file: "${dataDir}/calibration.json"`,
    );
}

/** A backup folder holding only a configuration, and the current config. */
async function withBackup(
  backupConfig: string | null,
  fn: (backup: string) => Promise<void>,
) {
  const backup = await Deno.makeTempDir({ prefix: "restore_plan_" });
  try {
    if (backupConfig !== null) {
      await Deno.writeTextFile(`${backup}/config.yaml`, backupConfig);
    }
    await fn(backup);
  } finally {
    await Deno.remove(backup, { recursive: true });
  }
}

const CURRENT = parseConfig(configText("var/hc"), "var/hc.yaml", NO_ENV);

Deno.test("a backup configuration with other paths is kept out and the data goes where the current one points", async () => {
  await withBackup(configText("var"), async (backup) => {
    const plan = await planRestore(CURRENT, backup, {
      configFile: "var/hc.yaml",
      env: NO_ENV,
    });

    assert.deepEqual(plan.targets, {
      scannerName: CURRENT.system.name,
      calibrationFile: "var/hc/calibration.json",
      historyFile: "var/hc/history.sqlite",
    });
    assert.equal(plan.configuration.action, "keep");
    assert.match(plan.configuration.reason, /--with-config/);
    assert.deepEqual(plan.configuration.differences, [
      'paths.data_dir: "var" in the backup, "var/hc" now',
      'paths.calibration_file: "var/calibration.json" in the backup, "var/hc/calibration.json" now',
    ]);
  });
});

Deno.test("--with-config restores the backup configuration and sends the data where it points", async () => {
  await withBackup(configText("var"), async (backup) => {
    const plan = await planRestore(CURRENT, backup, {
      configFile: "var/hc.yaml",
      withConfig: true,
      env: NO_ENV,
    });

    assert.deepEqual(plan.targets, {
      scannerName: CURRENT.system.name,
      calibrationFile: "var/calibration.json",
      historyFile: "var/history.sqlite",
      configFile: "var/hc.yaml",
    });
    assert.equal(plan.configuration.action, "restore");
    assert.equal(plan.configuration.differences.length, 2);
  });
});

Deno.test("a backup configuration with the same paths is restored into the --config file", async () => {
  await withBackup(configText("var/hc"), async (backup) => {
    const plan = await planRestore(CURRENT, backup, {
      configFile: "var/hc.yaml",
      env: NO_ENV,
    });

    assert.equal(plan.targets.configFile, "var/hc.yaml");
    assert.equal(plan.targets.historyFile, "var/hc/history.sqlite");
    assert.deepEqual(plan.configuration, {
      action: "restore",
      reason: "its paths match var/hc.yaml's",
      differences: [],
    });
  });
});

Deno.test("without --config, or without a configuration in the backup, none is restored", async () => {
  await withBackup(configText("var/hc"), async (backup) => {
    const plan = await planRestore(CURRENT, backup, { env: NO_ENV });

    assert.equal(plan.targets.configFile, undefined);
    assert.match(plan.configuration.reason, /embedded default/);
  });
  await withBackup(null, async (backup) => {
    const plan = await planRestore(CURRENT, backup, {
      configFile: "var/hc.yaml",
      withConfig: true,
      env: NO_ENV,
    });

    assert.equal(plan.targets.configFile, undefined);
    assert.equal(
      plan.configuration.reason,
      "the backup holds no configuration file",
    );
  });
});

Deno.test("--with-config refuses a backup configuration whose paths name unset variables", async () => {
  await withBackup(configText("${DATA_ROOT}"), async (backup) => {
    await assert.rejects(
      planRestore(CURRENT, backup, {
        configFile: "var/hc.yaml",
        withConfig: true,
        env: NO_ENV,
      }),
      (error: unknown) =>
        error instanceof BackupError &&
        /nothing was changed/.test(error.message) &&
        error.problems.includes('paths.data_dir is "${DATA_ROOT}"'),
    );
    const kept = await planRestore(CURRENT, backup, {
      configFile: "var/hc.yaml",
      env: NO_ENV,
    });
    assert.equal(kept.configuration.action, "keep");
  });
});
