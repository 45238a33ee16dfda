import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { createRotatingFileSink } from "../../logging/rotating_file_sink.ts";

function record(message: string): LogRecord {
  return {
    category: ["autofocus"],
    level: "info",
    message: [message],
    rawMessage: message,
    timestamp: 0,
    properties: {},
  };
}

async function names(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) found.push(entry.name);
  return found.sort();
}

Deno.test("the file sink rotates by size and keeps only the newest files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rotate_test_" });
  const sink = createRotatingFileSink({
    dir,
    fileName: "a.log",
    maxBytes: 25,
    keepFiles: 2,
    format: (r) => String(r.message[0]),
  });
  try {
    // 11 bytes a line with its newline: two lines fit in 25 bytes.
    for (let index = 1; index <= 7; index++) sink(record(`line-${index}-xyz`));
  } finally {
    sink[Symbol.dispose]();
  }

  assert.deepEqual(await names(dir), ["a.log", "a.log.1", "a.log.2"]);
  assert.equal(await Deno.readTextFile(`${dir}/a.log`), "line-7-xyz\n");
  assert.equal(
    await Deno.readTextFile(`${dir}/a.log.1`),
    "line-5-xyz\nline-6-xyz\n",
  );
  assert.equal(
    await Deno.readTextFile(`${dir}/a.log.2`),
    "line-3-xyz\nline-4-xyz\n",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the file sink appends to an existing file and counts its size", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rotate_test_" });
  await Deno.writeTextFile(`${dir}/a.log`, "earlier-line-1234\n");
  const sink = createRotatingFileSink({
    dir,
    fileName: "a.log",
    maxBytes: 20,
    keepFiles: 1,
    format: (r) => String(r.message[0]),
  });
  try {
    sink(record("next"));
  } finally {
    sink[Symbol.dispose]();
  }

  assert.equal(await Deno.readTextFile(`${dir}/a.log`), "next\n");
  assert.equal(
    await Deno.readTextFile(`${dir}/a.log.1`),
    "earlier-line-1234\n",
  );
  await Deno.remove(dir, { recursive: true });
});
