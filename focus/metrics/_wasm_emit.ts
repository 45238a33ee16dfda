/**
 * A minimal WebAssembly binary writer: just the encodings the focus
 * kernels need (LEB128 integers, sections, one memory, exported
 * functions). Kernels are written as instruction lists in TypeScript and
 * assembled when first used, so no prebuilt binary ships with the code.
 *
 * @module
 */

/** Value types. */
export const I32 = 0x7f;
/** 64-bit float value type. */
export const F64 = 0x7c;
/** 128-bit SIMD value type. */
export const V128 = 0x7b;

/** Core opcodes used by the kernels (WebAssembly 2.0). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  f64Const: 0x44,
  i32Eq: 0x46,
  i32GtU: 0x4b,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i64Add: 0x7c,
  f64Add: 0xa0,
  i64ExtendI32U: 0xad,
  f64ConvertI64U: 0xba,
  simd: 0xfd,
  emptyBlock: 0x40,
} as const;

/** SIMD opcodes (after the 0xfd prefix) used by the kernels. */
export const SIMD = {
  load8x8U: 0x02,
  v128Const: 0x0c,
  i32x4ExtractLane: 0x1b,
  i16x8Add: 0x8e,
  i16x8Sub: 0x91,
  i32x4Add: 0xae,
  i32x4DotI16x8S: 0xba,
} as const;

/**
 * Unsigned LEB128 encoding.
 *
 * @param value a non-negative integer below 2^32
 * @returns its bytes
 */
export function uleb(value: number): number[] {
  const bytes: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (v !== 0);
  return bytes;
}

/**
 * Signed LEB128 encoding of a 32-bit integer.
 *
 * @param value an integer in the i32 range
 * @returns its bytes
 */
export function sleb(value: number): number[] {
  const bytes: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) ||
      (v === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

/** A UTF-8 name, length-prefixed. */
function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

/** A section: id, byte length, contents. */
function section(id: number, contents: number[]): number[] {
  return [id, ...uleb(contents.length), ...contents];
}

/** One exported function of a module. */
export interface WasmFunction {
  /** Export name. */
  name: string;
  /** Parameter types. */
  params: number[];
  /** Result types. */
  results: number[];
  /** Local variables after the parameters: [count, type] runs. */
  locals: [number, number][];
  /** Instruction bytes, without the final `end`. */
  body: number[];
}

/**
 * Assembles a module with one exported memory (`memory`) and the given
 * exported functions, each with its own type.
 *
 * @param functions the functions, exported under their names
 * @param memoryPages initial memory size in 64 KiB pages
 * @returns the module's binary
 */
export function assembleModule(
  functions: WasmFunction[],
  memoryPages: number,
): Uint8Array<ArrayBuffer> {
  const types = functions.flatMap((f) => [
    0x60,
    ...uleb(f.params.length),
    ...f.params,
    ...uleb(f.results.length),
    ...f.results,
  ]);
  const funcIndices = functions.flatMap((_, i) => uleb(i));
  const exports = [
    ...uleb(functions.length + 1),
    ...name("memory"),
    0x02,
    0,
    ...functions.flatMap((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
  ];
  const bodies = functions.flatMap((f) => {
    const body = [
      ...uleb(f.locals.length),
      ...f.locals.flatMap(([count, type]) => [...uleb(count), type]),
      ...f.body,
      OP.end,
    ];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [...uleb(functions.length), ...types]),
    ...section(3, [...uleb(functions.length), ...funcIndices]),
    ...section(5, [1, 0x00, ...uleb(memoryPages)]),
    ...section(7, exports),
    ...section(10, [...uleb(functions.length), ...bodies]),
  ]);
}
