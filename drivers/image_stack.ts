/**
 * Loads a recorded focus stack: a folder of PNG slices named by their
 * position (`1.png`, `2.png`, ..., `17.png`), sorted by that number rather
 * than as text, each converted to 8-bit gray.
 *
 * @module
 */

import { convertIndexedToRgb, decode, type DecodedPng } from "fast-png";
import type { GrayImage } from "../domain/frame.ts";

/**
 * Loads every PNG of a folder as a focus stack.
 *
 * @param dir the folder of slices
 * @returns the slices in focus order: ascending by the number in the name
 * @throws {Error} naming the folder when it cannot be read, holds no PNG,
 *   or a file is not a PNG or differs in size from the first slice
 */
export async function loadImageStack(dir: string): Promise<GrayImage[]> {
  let names: string[];
  try {
    names = [];
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.toLowerCase().endsWith(".png")) {
        names.push(entry.name);
      }
    }
  } catch (error) {
    throw new Error(
      `Cannot load the focus stack in ${dir}: the folder cannot be read (${
        error instanceof Error ? error.message : String(error)
      }); check the path and read permission`,
      { cause: error },
    );
  }
  if (names.length === 0) {
    throw new Error(
      `Cannot load the focus stack in ${dir}: it holds no .png slices; point stack_dir at a folder of 1.png, 2.png, ...`,
    );
  }
  names.sort(bySliceNumber);

  const slices: GrayImage[] = [];
  for (const name of names) {
    const path = `${dir.replace(/\/+$/, "")}/${name}`;
    const slice = await loadSlice(dir, path);
    const first = slices[0];
    if (
      first &&
      (first.widthPx !== slice.widthPx || first.heightPx !== slice.heightPx)
    ) {
      throw new Error(
        `Cannot load the focus stack in ${dir}: ${name} is ${slice.widthPx}x${slice.heightPx} px but ${
          names[0]
        } is ${first.widthPx}x${first.heightPx} px; every slice must have the same size`,
      );
    }
    slices.push(slice);
  }
  return slices;
}

function sliceNumber(name: string): number {
  const digits = name.match(/\d+/g);
  return digits ? Number(digits[digits.length - 1]) : Number.POSITIVE_INFINITY;
}

function bySliceNumber(a: string, b: string): number {
  const byNumber = sliceNumber(a) - sliceNumber(b);
  if (byNumber !== 0 && !Number.isNaN(byNumber)) return byNumber;
  return a < b ? -1 : a > b ? 1 : 0;
}

async function loadSlice(dir: string, path: string): Promise<GrayImage> {
  try {
    const png = decode(await Deno.readFile(path));
    return toGray(png);
  } catch (error) {
    throw new Error(
      `Cannot load the focus stack in ${dir}: ${path} is not a readable PNG (${
        error instanceof Error ? error.message : String(error)
      })`,
      { cause: error },
    );
  }
}

function toGray(png: DecodedPng): GrayImage {
  const { width, height } = png;
  let { data, depth, channels } = png;
  if (png.palette) {
    // Indexed slices: expand the packed indices to their colours.
    data = convertIndexedToRgb(png);
    depth = 8;
    channels = png.palette[0].length;
  } else if (depth < 8) {
    throw new Error(
      `${depth}-bit gray is not supported; save the slices as 8- or 16-bit`,
    );
  }
  const count = width * height;
  const pixels = new Uint8Array(count);
  const scale = 255 / (2 ** depth - 1);
  for (let i = 0; i < count; i++) {
    const at = i * channels;
    // Rec. 601 luma, as camera software commonly reduces colour to gray.
    const level = channels >= 3
      ? 0.299 * data[at] + 0.587 * data[at + 1] + 0.114 * data[at + 2]
      : data[at];
    pixels[i] = Math.round(level * scale);
  }
  return { widthPx: width, heightPx: height, pixels };
}
