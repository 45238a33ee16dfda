import assert from "node:assert/strict";
import { createBackup } from "../../backup/create.ts";
import { BackupError } from "../../backup/errors.ts";
import { verifyBackup } from "../../backup/manifest.ts";
import { newestGoodBackup, restoreBackup } from "../../backup/restore.ts";
import { openHistory } from "../../history/history.ts";
import {
  addHandoffs,
  CONFIG_TEXT,
  liveScanner,
  SCANNER,
  snapshot,
} from "./_fixture.ts";

const RETENTION = { days: 30, maxCount: 10 };
const AT = new Date(Date.UTC(2025, 2, 1, 2, 0, 0));

async function withLive(
  fn: (live: Awaited<ReturnType<typeof liveScanner>>) => Promise<void>,
) {
  const live = await liveScanner();
  try {
    await fn(live);
  } finally {
    live.history.close();
    await Deno.remove(live.root, { recursive: true });
  }
}

function backupOf(live: Awaited<ReturnType<typeof liveScanner>>, at = AT) {
  return createBackup({
    location: live.location,
    scannerName: SCANNER,
    calibrationFile: live.calibrationFile,
    configFile: live.configFile,
    history: live.history,
    logDir: live.logDir,
    retention: RETENTION,
    now: () => at,
  });
}

Deno.test("createBackup writes a complete, checksummed backup under its timestamped name", async () => {
  await withLive(async (live) => {
    const result = await backupOf(live);

    assert.equal(result.name, "backup_20250301_020000");
    assert.deepEqual(
      [...(await snapshot(live.location)).keys()].sort(),
      [
        "backup_20250301_020000/calibration.json",
        "backup_20250301_020000/config.yaml",
        "backup_20250301_020000/history.sqlite",
        "backup_20250301_020000/logs/autofocus.log",
        "backup_20250301_020000/logs/autofocus.log.1",
        "backup_20250301_020000/manifest.json",
      ],
    );
    const manifest = JSON.parse(
      await Deno.readTextFile(`${result.path}/manifest.json`),
    );
    assert.equal(manifest.format, "autofocus-backup");
    assert.equal(manifest.format_version, 1);
    assert.equal(manifest.scanner_name, SCANNER);
    assert.equal(manifest.created_at, "2025-03-01T02:00:00.000Z");
    assert.match(manifest.files[0].sha256, /^[0-9a-f]{64}$/);
    assert.equal(
      await Deno.readTextFile(`${result.path}/config.yaml`),
      CONFIG_TEXT,
    );
    assert.deepEqual(
      await verifyBackup(result.path, { scannerName: SCANNER }),
      {
        ok: true,
        problems: [],
        manifest,
      },
    );

    const copy = openHistory(`${result.path}/history.sqlite`);
    try {
      assert.equal(copy.counts().handoffs, 3);
    } finally {
      copy.close();
    }
  });
});

Deno.test("a backup restores calibration, configuration and history as they were", async () => {
  await withLive(async (live) => {
    const { path } = await backupOf(live);
    await Deno.writeTextFile(live.calibrationFile, '{"rms_error_um":0.9}\n');
    await Deno.writeTextFile(live.configFile, "changed: true\n");
    addHandoffs(live.history, 5);
    live.history.close();

    const result = await restoreBackup(path, {
      scannerName: SCANNER,
      calibrationFile: live.calibrationFile,
      configFile: live.configFile,
      historyFile: live.historyFile,
    });

    assert.deepEqual(result.restored, [
      live.calibrationFile,
      live.configFile,
      live.historyFile,
    ]);
    assert.equal(
      await Deno.readTextFile(live.calibrationFile),
      '{"rms_error_um":0.05}\n',
    );
    assert.equal(await Deno.readTextFile(live.configFile), CONFIG_TEXT);
    live.history = openHistory(live.historyFile);
    assert.equal(live.history.counts().handoffs, 3);
    const leftovers = [...(await snapshot(`${live.root}/var`)).keys()].filter(
      (name) => /restore/.test(name),
    );
    assert.deepEqual(leftovers, []);
  });
});

Deno.test("a damaged backup is refused with the reason and nothing is changed", async () => {
  await withLive(async (live) => {
    const { path } = await backupOf(live);
    await Deno.writeTextFile(
      `${path}/calibration.json`,
      '{"rms_error_um":0.06}\n',
    );
    await Deno.writeTextFile(live.calibrationFile, '{"current":true}\n');
    const before = await snapshot(live.root);

    await assert.rejects(
      restoreBackup(path, {
        scannerName: SCANNER,
        calibrationFile: live.calibrationFile,
        configFile: live.configFile,
      }),
      (error: unknown) =>
        error instanceof BackupError &&
        error.problems.includes(
          "calibration.json does not match its checksum",
        ) &&
        /nothing was changed/.test(error.message),
    );
    assert.deepEqual(await snapshot(live.root), before);
  });
});

Deno.test("a backup of another scanner is refused and nothing is changed", async () => {
  await withLive(async (live) => {
    const { path } = await backupOf(live);
    const before = await snapshot(live.root);

    await assert.rejects(
      restoreBackup(path, {
        scannerName: "Hematology Scanner #2",
        calibrationFile: live.calibrationFile,
      }),
      /belongs to scanner "Hematology Scanner #1", not "Hematology Scanner #2"/,
    );
    assert.deepEqual(await snapshot(live.root), before);
  });
});

Deno.test("a directory without a manifest is refused as incomplete", async () => {
  await withLive(async (live) => {
    const { path } = await backupOf(live);
    await Deno.remove(`${path}/manifest.json`);

    const verification = await verifyBackup(path, { scannerName: SCANNER });

    assert.equal(verification.ok, false);
    assert.match(verification.problems[0], /manifest\.json: it is missing/);
  });
});

Deno.test("a restore that fails part way puts every original file back", async () => {
  await withLive(async (live) => {
    const { path } = await backupOf(live);
    await Deno.writeTextFile(live.calibrationFile, '{"current":true}\n');
    live.history.close();
    const before = await snapshot(live.root);

    await assert.rejects(
      restoreBackup(path, {
        scannerName: SCANNER,
        calibrationFile: live.calibrationFile,
        configFile: live.configFile,
        historyFile: live.historyFile,
      }, {
        rename: (from, to) => {
          if (to === live.historyFile && from.includes(".restore-")) {
            return Promise.reject(new Error("simulated disk failure"));
          }
          return Deno.rename(from, to);
        },
      }),
      /the original files are back in place[\s\S]*simulated disk failure/,
    );
    assert.deepEqual(await snapshot(live.root), before);
    live.history = openHistory(live.historyFile);
  });
});

Deno.test("newestGoodBackup skips a damaged newer backup", async () => {
  await withLive(async (live) => {
    const older = await backupOf(live, new Date(Date.UTC(2025, 2, 1)));
    const newer = await backupOf(live, new Date(Date.UTC(2025, 2, 2)));
    await Deno.writeTextFile(`${newer.path}/config.yaml`, "tampered\n");

    assert.equal(
      await newestGoodBackup(live.location, { scannerName: SCANNER }),
      older.path,
    );
    assert.equal(
      await newestGoodBackup(`${live.root}/nowhere`, { scannerName: SCANNER }),
      undefined,
    );
  });
});

Deno.test("a backup without a calibration yet says so in its manifest", async () => {
  await withLive(async (live) => {
    await Deno.remove(live.calibrationFile);

    const { manifest } = await backupOf(live);

    assert.ok(manifest.files.every((file) => file.path !== "calibration.json"));
    assert.match(
      manifest.missing[0],
      /calibration\.json: .* does not exist yet/,
    );
  });
});

Deno.test("a failed backup leaves no partial directory behind", async () => {
  await withLive(async (live) => {
    await assert.rejects(
      createBackup({
        location: live.location,
        scannerName: SCANNER,
        calibrationFile: live.calibrationFile,
        history: { backupTo: () => Promise.reject(new Error("disk full")) },
        logDir: live.logDir,
        retention: RETENTION,
        now: () => AT,
      }),
      /Cannot create a backup in .*: disk full/,
    );
    assert.deepEqual([...(await snapshot(live.location)).keys()], []);
  });
});

Deno.test("parallel backups in the same second each get their own whole backup", async () => {
  await withLive(async (live) => {
    const histories = [
      openHistory(live.historyFile),
      openHistory(live.historyFile),
    ];
    try {
      const results = await Promise.all([
        backupOf(live),
        ...histories.map((history) =>
          createBackup({
            location: live.location,
            scannerName: SCANNER,
            calibrationFile: live.calibrationFile,
            configFile: live.configFile,
            history,
            logDir: live.logDir,
            retention: RETENTION,
            now: () => AT,
          })
        ),
      ]);

      assert.deepEqual(results.map((result) => result.name).sort(), [
        "backup_20250301_020000",
        "backup_20250301_020000_2",
        "backup_20250301_020000_3",
      ]);
      for (const result of results) {
        assert.equal(
          (await verifyBackup(result.path, { scannerName: SCANNER })).ok,
          true,
        );
      }
      const names = [];
      for await (const entry of Deno.readDir(live.location)) {
        names.push(entry.name);
      }
      assert.deepEqual(names.filter((name) => name.endsWith(".partial")), []);
    } finally {
      for (const history of histories) history.close();
    }
  });
});

Deno.test("a failed backup removes only its own staging folder, not another run's", async () => {
  await withLive(async (live) => {
    await Deno.mkdir(live.location, { recursive: true });
    const other = `${live.location}/.backup_20250301_020000.0a1b2c3d.partial`;
    await Deno.mkdir(other);
    await Deno.writeTextFile(`${other}/history.sqlite`, "in progress");

    await assert.rejects(
      createBackup({
        location: live.location,
        scannerName: SCANNER,
        calibrationFile: live.calibrationFile,
        history: { backupTo: () => Promise.reject(new Error("disk full")) },
        logDir: live.logDir,
        retention: RETENTION,
        now: () => AT,
      }),
      /disk full/,
    );
    assert.deepEqual([...(await snapshot(live.location)).keys()], [
      ".backup_20250301_020000.0a1b2c3d.partial/history.sqlite",
    ]);
  });
});

Deno.test("a backup takes the next suffix when its name is already taken", async () => {
  await withLive(async (live) => {
    await Deno.mkdir(`${live.location}/backup_20250301_020000`, {
      recursive: true,
    });
    await Deno.writeTextFile(
      `${live.location}/backup_20250301_020000/manifest.json`,
      "{}",
    );

    const result = await backupOf(live);

    assert.equal(result.name, "backup_20250301_020000_2");
    assert.equal(
      await Deno.readTextFile(
        `${live.location}/backup_20250301_020000/manifest.json`,
      ),
      "{}",
    );
  });
});

Deno.test("a restored configuration keeps the one it replaced beside it, and an identical one is left alone", async () => {
  await withLive(async (live) => {
    const { path } = await backupOf(live);
    await Deno.writeTextFile(live.configFile, "changed: true\n");
    live.history.close();
    const targets = {
      scannerName: SCANNER,
      calibrationFile: live.calibrationFile,
      configFile: live.configFile,
    };
    const now = () => new Date(Date.UTC(2025, 2, 2, 8, 30, 5));

    const first = await restoreBackup(path, targets, { now });
    const second = await restoreBackup(path, targets, { now });

    const kept = `${live.configFile}.before-restore-20250302_083005`;
    assert.deepEqual(first.files, [
      {
        file: "calibration.json",
        target: live.calibrationFile,
        outcome: "restored",
        kept: null,
      },
      {
        file: "config.yaml",
        target: live.configFile,
        outcome: "restored",
        kept,
      },
    ]);
    assert.equal(await Deno.readTextFile(kept), "changed: true\n");
    assert.equal(await Deno.readTextFile(live.configFile), CONFIG_TEXT);
    assert.deepEqual(second.files[1], {
      file: "config.yaml",
      target: live.configFile,
      outcome: "unchanged",
      kept: null,
    });
    assert.deepEqual(second.restored, [live.calibrationFile]);
    live.history = openHistory(live.historyFile);
  });
});

Deno.test("a second restore in the same second keeps both replaced configurations", async () => {
  await withLive(async (live) => {
    const { path } = await backupOf(live);
    live.history.close();
    const targets = {
      scannerName: SCANNER,
      calibrationFile: live.calibrationFile,
      configFile: live.configFile,
    };
    const now = () => new Date(Date.UTC(2025, 2, 2, 8, 30, 5));

    await Deno.writeTextFile(live.configFile, "first: 1\n");
    await restoreBackup(path, targets, { now });
    await Deno.writeTextFile(live.configFile, "second: 2\n");
    const result = await restoreBackup(path, targets, { now });

    const kept = `${live.configFile}.before-restore-20250302_083005`;
    assert.equal(result.files[1].kept, `${kept}_2`);
    assert.equal(await Deno.readTextFile(kept), "first: 1\n");
    assert.equal(await Deno.readTextFile(`${kept}_2`), "second: 2\n");
    live.history = openHistory(live.historyFile);
  });
});
