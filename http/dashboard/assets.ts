/**
 * The chart library's files, served by the dashboard from the installed npm
 * package rather than a CDN.
 *
 * The files are found with `import.meta.resolve`, which maps the package
 * through deno.json's import map to its real path inside `node_modules`
 * without touching the file system (Node's `require.resolve` would need
 * read access to every parent folder). Under `deno compile` the same call
 * points into the binary's embedded file system, provided the compile
 * command includes `node_modules/uplot/dist`.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A static file held in memory. */
export interface StaticAsset {
  /** Bytes of the file. */
  body: Uint8Array;
  /** Its `Content-Type`. */
  contentType: string;
}

/** Files of the uPlot package the dashboard serves, by URL name. */
export const UPLOT_FILES = {
  "uplot.js": { file: "uPlot.iife.min.js", contentType: "text/javascript" },
  "uplot.css": { file: "uPlot.min.css", contentType: "text/css" },
} as const;

/**
 * The folder that holds uPlot's built files, to name in `--allow-read`.
 *
 * @returns the absolute real path of `uplot/dist`
 * @throws Error when the package is not installed (`deno install`)
 */
export function uplotAssetDir(): string {
  const url = import.meta.resolve("uplot/dist/uPlot.iife.min.js");
  if (!url.startsWith("file:")) {
    throw new Error(
      `Cannot find uPlot's files: it resolves to ${url}, not a file; run "deno install" so node_modules holds the package`,
    );
  }
  return dirname(fileURLToPath(url));
}

/**
 * The folder of the dashboard's own page, script and style sheet.
 *
 * @returns the absolute path of `http/dashboard/static`
 */
export function dashboardStaticDir(): string {
  return fileURLToPath(new URL("./static", import.meta.url));
}

/**
 * Every folder the dashboard reads, to name in `--allow-read`.
 *
 * @returns the page's folder and uPlot's
 */
export function dashboardAssetDirs(): string[] {
  return [dashboardStaticDir(), uplotAssetDir()];
}

/**
 * Reads uPlot's script and style sheet.
 *
 * @param dir the folder to read from; default {@linkcode uplotAssetDir}
 * @returns the files keyed by the names of {@linkcode UPLOT_FILES}
 * @throws Deno.errors.NotFound or NotCapable when they cannot be read
 */
export async function loadUplotAssets(
  dir = uplotAssetDir(),
): Promise<Map<string, StaticAsset>> {
  const assets = new Map<string, StaticAsset>();
  for (const [name, { file, contentType }] of Object.entries(UPLOT_FILES)) {
    assets.set(name, {
      body: await Deno.readFile(join(dir, file)),
      contentType,
    });
  }
  return assets;
}
