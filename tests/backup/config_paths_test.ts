import assert from "node:assert/strict";
import {
  configPathsOf,
  configPathsOfText,
  pathDifferences,
  unresolvedPaths,
} from "../../backup/config_paths.ts";
import { defaultConfig } from "../../config/load.ts";

const NO_ENV = () => undefined;

Deno.test("configPathsOfText reads the four paths and fills in the defaults", () => {
  const paths = configPathsOfText(
    'system:\n  name: "S"\n  location: "${NOT_SET}"\npaths:\n  data_dir: "var/hc"\n',
    NO_ENV,
  );

  assert.deepEqual(paths, {
    dataDir: "var/hc",
    calibrationFile: "var/calibration.json",
    logDir: "var/logs",
    backupLocation: "var/backups",
  });
});

Deno.test("configPathsOfText substitutes set variables and keeps unset ones visible", () => {
  const text =
    'paths:\n  data_dir: "${DATA}/hc"\n  log_dir: "${LOGS}"\nmaintenance:\n  backup:\n    location: "/srv/backups"\n';

  const paths = configPathsOfText(
    text,
    (name) => name === "DATA" ? "/srv" : undefined,
  )!;

  assert.equal(paths.dataDir, "/srv/hc");
  assert.equal(paths.logDir, "${LOGS}");
  assert.equal(paths.backupLocation, "/srv/backups");
  assert.deepEqual(unresolvedPaths(paths), ["logDir"]);
});

Deno.test("configPathsOfText gives null for text that is not a configuration", () => {
  assert.equal(configPathsOfText("paths: [1, 2", NO_ENV), null);
  assert.equal(configPathsOfText("just words", NO_ENV), null);
  assert.equal(configPathsOfText("paths:\n  data_dir: 5\n", NO_ENV), null);
});

Deno.test("pathDifferences names each path that points elsewhere, ignoring spelling", () => {
  const current = configPathsOf(defaultConfig(NO_ENV));
  const same = { ...current, dataDir: `./${current.dataDir}/` };
  const other = { ...current, dataDir: "var/hc", logDir: "/var/log/af" };

  assert.deepEqual(pathDifferences(current, same), []);
  assert.deepEqual(pathDifferences(other, current), [
    'paths.data_dir: "var" in the backup, "var/hc" now',
    'paths.log_dir: "var/logs" in the backup, "/var/log/af" now',
  ]);
});
