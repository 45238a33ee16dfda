/**
 * The backup manifest and its verification. A backup directory holds
 * `manifest.json` listing every other file with its size and SHA-256, the
 * scanner it belongs to, the format version and when it was made; a backup
 * is good only when all of that checks out.
 *
 * @module
 */

import { createHash } from "node:crypto";

/** The `format` field of every manifest. */
export const BACKUP_FORMAT = "autofocus-backup";
/** The manifest version this build writes and reads. */
export const BACKUP_FORMAT_VERSION = 1;
/** The manifest's file name inside a backup directory. */
export const MANIFEST_FILE = "manifest.json";

/** One file of a backup. */
export interface ManifestFile {
  /** Path inside the backup directory, with "/" separators. */
  path: string;
  /** Size in bytes. */
  bytes: number;
  /** SHA-256 of the content, lowercase hex. */
  sha256: string;
}

/** The content of `manifest.json`. */
export interface BackupManifest {
  /** Always {@linkcode BACKUP_FORMAT}. */
  format: string;
  /** {@linkcode BACKUP_FORMAT_VERSION} when written by this build. */
  format_version: number;
  /** `system.name` of the scanner that made it. */
  scanner_name: string;
  /** When it was made, ISO 8601 UTC. */
  created_at: string;
  /** Every file but the manifest. */
  files: ManifestFile[];
  /** Things that could not be included, with why (e.g. no calibration yet). */
  missing: string[];
}

/** The result of {@linkcode verifyBackup}. */
export interface BackupVerification {
  /** True when the backup is complete, intact and this scanner's. */
  ok: boolean;
  /** Every problem found, each a sentence; empty when ok. */
  problems: string[];
  /** The manifest, when it could be read. */
  manifest: BackupManifest | null;
}

/**
 * SHA-256 of a file, read in chunks so a large history costs little memory.
 *
 * @param path the file
 * @returns lowercase hex digest
 * @throws when the file cannot be read
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path, { read: true });
  const chunk = new Uint8Array(256 * 1024);
  for (;;) {
    const read = await file.read(chunk);
    if (read === null) break;
    hash.update(chunk.subarray(0, read));
  }
  return hash.digest("hex");
}

/**
 * Describes a file of a backup directory for the manifest.
 *
 * @param dir the backup directory
 * @param path the file's path inside it
 */
export async function describeFile(
  dir: string,
  path: string,
): Promise<ManifestFile> {
  const full = `${dir}/${path}`;
  const { size } = await Deno.stat(full);
  return { path, bytes: size, sha256: await sha256File(full) };
}

function isSafeRelativePath(path: string): boolean {
  return path.length > 0 && !path.startsWith("/") &&
    !path.split("/").some((part) => part === ".." || part === "");
}

function parseManifest(
  text: string,
  problems: string[],
): BackupManifest | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    problems.push(`${MANIFEST_FILE} is not valid JSON`);
    return null;
  }
  const manifest = value as Partial<BackupManifest> | null;
  if (manifest?.format !== BACKUP_FORMAT) {
    problems.push(
      `${MANIFEST_FILE} is not an autofocus backup manifest (format ${
        JSON.stringify(manifest?.format)
      })`,
    );
    return null;
  }
  if (manifest.format_version !== BACKUP_FORMAT_VERSION) {
    problems.push(
      `the backup has format version ${manifest.format_version}; this build reads version ${BACKUP_FORMAT_VERSION}`,
    );
    return null;
  }
  if (
    typeof manifest.scanner_name !== "string" ||
    typeof manifest.created_at !== "string" || !Array.isArray(manifest.files)
  ) {
    problems.push(`${MANIFEST_FILE} lacks scanner_name, created_at or files`);
    return null;
  }
  return { missing: [], ...manifest } as BackupManifest;
}

/**
 * Checks a backup directory: its manifest, that it belongs to this
 * scanner, and every file's size and checksum. Reads only.
 *
 * @param dir the backup directory
 * @param expected the scanner the backup must belong to
 * @returns whether it is good and, if not, every problem found
 */
export async function verifyBackup(
  dir: string,
  expected: { scannerName: string },
): Promise<BackupVerification> {
  const problems: string[] = [];
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/${MANIFEST_FILE}`);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound
      ? "it is missing (the backup is incomplete or not a backup)"
      : String(error);
    return {
      ok: false,
      problems: [`cannot read ${MANIFEST_FILE}: ${why}`],
      manifest: null,
    };
  }
  const manifest = parseManifest(text, problems);
  if (!manifest) return { ok: false, problems, manifest: null };

  if (manifest.scanner_name !== expected.scannerName) {
    problems.push(
      `the backup belongs to scanner "${manifest.scanner_name}", not "${expected.scannerName}"`,
    );
  }
  for (const file of manifest.files) {
    if (!isSafeRelativePath(String(file.path))) {
      problems.push(
        `the manifest names an unsafe path ${JSON.stringify(file.path)}`,
      );
      continue;
    }
    try {
      const actual = await describeFile(dir, file.path);
      if (actual.bytes !== file.bytes) {
        problems.push(
          `${file.path} has ${actual.bytes} bytes; the manifest says ${file.bytes}`,
        );
      } else if (actual.sha256 !== file.sha256) {
        problems.push(`${file.path} does not match its checksum`);
      }
    } catch (error) {
      problems.push(
        error instanceof Deno.errors.NotFound
          ? `${file.path} is missing`
          : `cannot read ${file.path}: ${String(error)}`,
      );
    }
  }
  return { ok: problems.length === 0, problems, manifest };
}
