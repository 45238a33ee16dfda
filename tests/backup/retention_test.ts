import assert from "node:assert/strict";
import {
  applyRetention,
  listBackups,
  parseBackupName,
} from "../../backup/retention.ts";

async function withLocation(
  names: string[],
  fn: (location: string) => Promise<void>,
) {
  const location = await Deno.makeTempDir({ prefix: "retention_test_" });
  try {
    for (const name of names) await Deno.mkdir(`${location}/${name}`);
    await fn(location);
  } finally {
    await Deno.remove(location, { recursive: true });
  }
}

const NOW = new Date(Date.UTC(2025, 2, 31, 12, 0, 0));

Deno.test("parseBackupName reads the UTC time and rejects other names", () => {
  assert.equal(
    parseBackupName("backup_20250301_020304")?.toISOString(),
    "2025-03-01T02:03:04.000Z",
  );
  assert.equal(parseBackupName("backup_20250301_020304_2")?.getUTCSeconds(), 4);
  assert.equal(parseBackupName("backup_latest"), null);
  assert.equal(parseBackupName(".backup_20250301_020304.partial"), null);
});

Deno.test("retention removes backups older than the configured days", async () => {
  await withLocation([
    "backup_20250228_120000",
    "backup_20250302_120000",
    "backup_20250330_120000",
    "notes",
  ], async (location) => {
    const removed = await applyRetention(
      location,
      { days: 30, maxCount: 10 },
      NOW,
    );

    assert.deepEqual(removed, [`${location}/backup_20250228_120000`]);
    assert.deepEqual((await listBackups(location)).map((b) => b.name), [
      "backup_20250330_120000",
      "backup_20250302_120000",
    ]);
  });
});

Deno.test("retention keeps only the newest maxCount backups", async () => {
  await withLocation([
    "backup_20250327_000000",
    "backup_20250328_000000",
    "backup_20250329_000000",
    "backup_20250329_000000_2",
  ], async (location) => {
    await applyRetention(location, { days: 30, maxCount: 2 }, NOW);

    assert.deepEqual((await listBackups(location)).map((b) => b.name), [
      "backup_20250329_000000_2",
      "backup_20250329_000000",
    ]);
  });
});

Deno.test("retention never removes the backup just made and clears stale partial ones", async () => {
  await withLocation([
    "backup_20240101_000000",
    ".backup_20250331_000000.partial",
    ".backup_20250331_115959.partial",
  ], async (location) => {
    const removed = await applyRetention(
      location,
      { days: 30, maxCount: 5 },
      NOW,
      "backup_20240101_000000",
    );

    assert.deepEqual(removed, [`${location}/.backup_20250331_000000.partial`]);
  });
});

Deno.test("retention clears stale staging folders with a random part and keeps fresh ones", async () => {
  await withLocation([
    ".backup_20250331_000000.5f3a9c01.partial",
    ".backup_20250331_115959.77e0b2aa.partial",
  ], async (location) => {
    const removed = await applyRetention(
      location,
      { days: 30, maxCount: 5 },
      NOW,
    );

    assert.deepEqual(removed, [
      `${location}/.backup_20250331_000000.5f3a9c01.partial`,
    ]);
  });
});

Deno.test("two retention passes at once both succeed and leave what the rules keep", async () => {
  await withLocation([
    "backup_20250101_000000",
    "backup_20250102_000000",
    "backup_20250330_000000",
  ], async (location) => {
    const [first, second] = await Promise.all([
      applyRetention(location, { days: 30, maxCount: 5 }, NOW),
      applyRetention(location, { days: 30, maxCount: 5 }, NOW),
    ]);

    // Both may report a folder they raced to remove; neither fails.
    assert.deepEqual([...new Set([...first, ...second])].sort(), [
      `${location}/backup_20250101_000000`,
      `${location}/backup_20250102_000000`,
    ]);
    assert.deepEqual((await listBackups(location)).map((b) => b.name), [
      "backup_20250330_000000",
    ]);
  });
});
