import assert from "node:assert/strict";
import { join } from "node:path";
import { drawPoints, META, options } from "./_synthetic.ts";
import { ParfocalMapping } from "../../mapping/parfocal_mapping.ts";
import {
  CalibrationFileError,
  type CalibrationFileErrorKind,
  loadCalibration,
  saveCalibration,
} from "../../mapping/calibration_file.ts";

const CALIBRATION = drawPoints({ seed: 1, count: 28 });
const EXPECTED = { scannerName: META.scannerName };

function fitted(modelType: "POLYNOMIAL" | "ADAPTIVE" = "ADAPTIVE") {
  return ParfocalMapping.fit(CALIBRATION, options(modelType), META);
}

async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "calibration_file_test_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function assertRefused(
  load: () => Promise<unknown>,
  kind: CalibrationFileErrorKind,
  fragment: RegExp,
): Promise<void> {
  await assert.rejects(load, (error: unknown) => {
    assert.ok(error instanceof CalibrationFileError, String(error));
    assert.equal(error.kind, kind);
    assert.match(error.message, fragment);
    return true;
  });
}

Deno.test("a saved and loaded calibration predicts exactly as the original", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "calibration.json");
    const original = fitted();

    await saveCalibration(path, original);
    const loaded = await loadCalibration(path, options("ADAPTIVE"), EXPECTED);

    for (const zAUm of [-9, -7.77, -1, 0, 0.01, 3.3, 8, 12]) {
      for (const temperatureC of [19, 21.2, 22, 23.9]) {
        assert.deepEqual(
          loaded.predict(zAUm, temperatureC),
          original.predict(zAUm, temperatureC),
        );
      }
    }
    assert.deepEqual(loaded.toCalibrationFile(), original.toCalibrationFile());
    assert.deepEqual(
      loaded.report(META.calibratedAt),
      original.report(META.calibratedAt),
    );
  });
});

Deno.test("saveCalibration creates the folder and keeps the previous file as .bak", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "nested", "var", "calibration.json");
    const first = fitted("POLYNOMIAL");
    const second = fitted("ADAPTIVE");

    const firstSave = await saveCalibration(path, first);
    const firstText = await Deno.readTextFile(path);
    const secondSave = await saveCalibration(path, second);

    assert.equal(firstSave.backupPath, undefined);
    assert.equal(secondSave.backupPath, `${path}.bak`);
    assert.equal(await Deno.readTextFile(`${path}.bak`), firstText);
    const current = JSON.parse(await Deno.readTextFile(path));
    assert.equal(current.model_type, "ADAPTIVE");
    assert.equal(current.format_version, 1);
  });
});

Deno.test("a save interrupted mid-write leaves the previous calibration loadable", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "calibration.json");
    const original = fitted();
    await saveCalibration(path, original);
    const stray = join(dir, ".calibration.json.0f0f.tmp");
    await Deno.writeTextFile(stray, '{"format_version": 1, "scanner_na');

    const loaded = await loadCalibration(path, options("ADAPTIVE"), EXPECTED);

    assert.deepEqual(loaded.predict(1, 22), original.predict(1, 22));
    await saveCalibration(path, original);
    await assert.rejects(() => Deno.stat(stray), Deno.errors.NotFound);
  });
});

Deno.test("loadCalibration refuses a file that is not JSON as corrupt", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "calibration.json");
    await Deno.writeTextFile(path, "{ not json");

    await assertRefused(
      () => loadCalibration(path, options("ADAPTIVE"), EXPECTED),
      "corrupt",
      /is corrupt \(not valid JSON\).*restore its \.bak backup or run a new calibration/,
    );
  });
});

Deno.test("loadCalibration refuses a file that breaks the schema as corrupt", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "calibration.json");
    const file = fitted().toCalibrationFile() as Record<string, unknown>;
    delete file.calibration_points;
    await Deno.writeTextFile(path, JSON.stringify(file));

    await assertRefused(
      () => loadCalibration(path, options("ADAPTIVE"), EXPECTED),
      "corrupt",
      /calibration_points/,
    );
  });
});

Deno.test("loadCalibration refuses coefficients that do not match the stored errors", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "calibration.json");
    const file = fitted().toCalibrationFile();
    file.model.offset_coefficients[1] += 0.01;
    await Deno.writeTextFile(path, JSON.stringify(file));

    await assertRefused(
      () => loadCalibration(path, options("ADAPTIVE"), EXPECTED),
      "corrupt",
      /coefficients give .* um RMS on its own points/,
    );
  });
});

Deno.test("loadCalibration refuses another scanner's calibration and names both", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "calibration.json");
    await saveCalibration(path, fitted());

    await assertRefused(
      () =>
        loadCalibration(path, options("ADAPTIVE"), { scannerName: "lab-2" }),
      "foreign",
      /scanner "scanner-test-1", this is "lab-2"/,
    );
  });
});

Deno.test("loadCalibration refuses a newer format_version and says to update", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "calibration.json");
    const file = { ...fitted().toCalibrationFile(), format_version: 2 };
    await Deno.writeTextFile(path, JSON.stringify(file));

    await assertRefused(
      () => loadCalibration(path, options("ADAPTIVE"), EXPECTED),
      "newer_format",
      /format_version 2, newer than the 1.*update the software/,
    );
  });
});

Deno.test("loadCalibration reports a missing file and how to create one", async () => {
  await inTempDir(async (dir) => {
    await assertRefused(
      () =>
        loadCalibration(join(dir, "none.json"), options("ADAPTIVE"), EXPECTED),
      "missing",
      /No calibration file at .*none\.json.*run a calibration/,
    );
  });
});

Deno.test("fromCalibrationFile keeps the fitted model type and notes a configured change", () => {
  const file = JSON.parse(
    JSON.stringify(fitted("POLYNOMIAL").toCalibrationFile()),
  );

  const loaded = ParfocalMapping.fromCalibrationFile(
    file,
    options("ADAPTIVE", { cacheSize: 0 }),
    EXPECTED,
  );
  loaded.predict(0, 22);
  loaded.predict(0, 22);

  assert.equal(loaded.modelType, "POLYNOMIAL");
  assert.match(loaded.fitNotes.join(" "), /configured model_type is ADAPTIVE/);
  assert.equal(loaded.cacheStats().hits, 0);
});

Deno.test("a save that fails leaves the previous file and no temporary behind", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "calibration.json");
    await saveCalibration(path, fitted("POLYNOMIAL"));
    const before = await Deno.readTextFile(path);
    // A folder where the backup should go makes the save fail half-way.
    await Deno.mkdir(`${path}.bak`);
    await Deno.writeTextFile(join(`${path}.bak`, "keep"), "x");

    await assert.rejects(
      () => saveCalibration(path, fitted("ADAPTIVE")),
      /Cannot save the calibration to .*the previous file is unchanged/,
    );

    assert.equal(await Deno.readTextFile(path), before);
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assert.deepEqual(names.sort(), [
      "calibration.json",
      "calibration.json.bak",
    ]);
  });
});

Deno.test("a corrupt or foreign file being replaced never pushes the good backup out", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/calibration.json`;
  await saveCalibration(path, fitted());
  await saveCalibration(path, fitted());
  const goodBackup = await Deno.readTextFile(`${path}.bak`);

  await Deno.writeTextFile(path, "{ truncated");
  const saved = await saveCalibration(path, fitted());

  assert.equal(saved.backupPath, undefined);
  assert.equal(await Deno.readTextFile(`${path}.bak`), goodBackup);
  const rejected = [...Deno.readDirSync(dir)].filter((entry) =>
    entry.name.startsWith("calibration.json.rejected-")
  );
  assert.equal(rejected.length, 1);
  assert.equal(
    await Deno.readTextFile(`${dir}/${rejected[0].name}`),
    "{ truncated",
  );
  await Deno.remove(dir, { recursive: true });
});
