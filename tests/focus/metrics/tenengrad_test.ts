import assert from "node:assert/strict";
import { tenengradScalar } from "../../../focus/metrics/gradient.ts";
import { tenengrad } from "../../../focus/metrics/tenengrad.ts";
import { sleb, uleb } from "../../../focus/metrics/_wasm_emit.ts";
import { loadRealStack } from "../_stack.ts";
import { seeded } from "../search/_curves.ts";

function randomImage(widthPx: number, heightPx: number, seed: number) {
  const random = seeded(seed);
  const pixels = new Uint8Array(widthPx * heightPx);
  // Extremes included: the kernel must hold |g| = 1020 in 16-bit lanes.
  for (let i = 0; i < pixels.length; i++) {
    const r = random();
    pixels[i] = r < 0.2 ? 0 : r > 0.8 ? 255 : Math.floor(256 * random());
  }
  return { widthPx, heightPx, pixels };
}

Deno.test("the SIMD tenengrad equals the scalar one on every real slice", async () => {
  for (const slice of await loadRealStack()) {
    assert.equal(tenengrad(slice), tenengradScalar(slice));
  }
});

Deno.test("the SIMD tenengrad equals the scalar one for widths 3 to 40 and odd regions", () => {
  for (let widthPx = 3; widthPx <= 40; widthPx++) {
    const image = randomImage(widthPx, 7 + (widthPx % 5), widthPx);
    assert.equal(tenengrad(image), tenengradScalar(image), `width ${widthPx}`);
  }
  const frame = randomImage(301, 203, 99);
  for (
    const roi of [
      { xPx: 0, yPx: 0, widthPx: 301, heightPx: 203 },
      { xPx: 13, yPx: 7, widthPx: 250, heightPx: 100 },
      { xPx: 290, yPx: 200, widthPx: 11, heightPx: 3 },
    ]
  ) {
    assert.equal(tenengrad(frame, { roi }), tenengradScalar(frame, { roi }));
    assert.equal(
      tenengrad(frame, { roi, subsample: 3 }),
      tenengradScalar(frame, { roi, subsample: 3 }),
    );
  }
});

Deno.test("the SIMD tenengrad grows its memory for a larger frame after a smaller one", () => {
  const small = randomImage(64, 48, 1);
  const large = randomImage(2048, 1536, 2);
  assert.equal(tenengrad(small), tenengradScalar(small));
  assert.equal(tenengrad(large), tenengradScalar(large));
  assert.equal(tenengrad(small), tenengradScalar(small));
});

Deno.test("LEB128 encodes the integers the kernel uses", () => {
  assert.deepEqual(uleb(0), [0]);
  assert.deepEqual(uleb(127), [127]);
  assert.deepEqual(uleb(128), [0x80, 0x01]);
  assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(sleb(0), [0]);
  assert.deepEqual(sleb(63), [63]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.deepEqual(sleb(-1), [0x7f]);
  assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
});
