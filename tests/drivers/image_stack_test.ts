import assert from "node:assert/strict";
import { decode, encode } from "fast-png";
import { loadImageStack } from "../../drivers/image_stack.ts";

const STACK_DIR = "/work/shared/data/urjc-adipose-s1";

Deno.test("the real stack loads 17 slices of 1388x1040 in numeric order", async () => {
  const slices = await loadImageStack(STACK_DIR);

  assert.equal(slices.length, 17);
  for (const slice of slices) {
    assert.equal(slice.widthPx, 1388);
    assert.equal(slice.heightPx, 1040);
    assert.equal(slice.pixels.length, 1388 * 1040);
  }
  for (const index of [1, 9, 10, 16]) {
    const png = decode(await Deno.readFile(`${STACK_DIR}/${index + 1}.png`));
    assert.equal(png.channels, 1);
    assert.deepEqual(slices[index].pixels, png.data);
  }
});

Deno.test("slices are sorted by the number in the name, not as text", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const n of [10, 2, 1, 17, 3]) {
      const data = new Uint8Array(4).fill(n);
      await Deno.writeFile(
        `${dir}/${n}.png`,
        encode({ width: 2, height: 2, data, channels: 1, depth: 8 }),
      );
    }

    const slices = await loadImageStack(dir);

    assert.deepEqual(slices.map((s) => s.pixels[0]), [1, 2, 3, 10, 17]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("colour and 16-bit slices become 8-bit gray", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rgb = new Uint8Array([255, 255, 255, 0, 0, 0]);
    await Deno.writeFile(
      `${dir}/1.png`,
      encode({ width: 2, height: 1, data: rgb, channels: 3, depth: 8 }),
    );
    const deep = new Uint16Array([65535, 0]);
    await Deno.writeFile(
      `${dir}/2.png`,
      encode({ width: 2, height: 1, data: deep, channels: 1, depth: 16 }),
    );

    const [colour, wide] = await loadImageStack(dir);

    assert.deepEqual([...colour.pixels], [255, 0]);
    assert.deepEqual([...wide.pixels], [255, 0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an empty folder is refused with its name in the message", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(() => loadImageStack(dir), {
      message: new RegExp(`${dir}: it holds no .png slices`),
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a missing folder is refused with its name in the message", async () => {
  await assert.rejects(() => loadImageStack("/nonexistent/stack"), {
    message: /Cannot load the focus stack in \/nonexistent\/stack/,
  });
});

Deno.test("a file that is not a PNG is refused with its path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/1.png`, "not an image");

    await assert.rejects(() => loadImageStack(dir), {
      message: new RegExp(`${dir}/1.png is not a readable PNG`),
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
