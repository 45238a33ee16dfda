/**
 * Write cost and size of the history database per handoff, on a real file
 * in WAL mode. Run: `deno run --allow-read --allow-write bench/history_bench.ts`.
 * Prints per-handoff microseconds and bytes; absolute numbers depend on the
 * disk, the ratio of insert to query cost is what carries over.
 *
 * @module
 */

import { openHistory } from "../history/history.ts";

const HANDOFFS = 20_000;
const dir = await Deno.makeTempDir({ prefix: "history_bench_" });
const history = openHistory(`${dir}/history.sqlite`);

const startMs = performance.now();
for (let i = 0; i < HANDOFFS; i++) {
  history.recordHandoff({
    atMs: 1_700_000_000_000 + i * 1000,
    zSourceUm: (i % 40) - 20,
    zTargetUm: (i % 30) - 15,
    success: i % 100 !== 0,
    elapsedMs: 120 + (i % 50),
    lensSwitchMs: 25,
    focusMoveMs: 12.5,
    focusSearchMs: 60.25,
    validationMs: 8,
    mappingErrorUm: 0.1 + (i % 10) / 100,
    frames: 5,
    cacheHit: i % 3 === 0,
    failureCause: i % 100 === 0 ? "validation_failed" : null,
  });
}
const insertMs = performance.now() - startMs;

const queryStartMs = performance.now();
const QUERIES = 200;
for (let i = 0; i < QUERIES; i++) history.performance({ lastHandoffs: 1000 });
const queryMs = (performance.now() - queryStartMs) / QUERIES;

// Every handoff above is dated 2023, past the 90-day retention.
const pruneStartMs = performance.now();
history.pruneStep();
const pruneMs = performance.now() - pruneStartMs;

const backupStartMs = performance.now();
await history.backupTo(`${dir}/copy.sqlite`);
const backupMs = performance.now() - backupStartMs;

const walSize = history.size();
history.close();
const { size: dbBytes } = await Deno.stat(`${dir}/history.sqlite`);
await Deno.remove(dir, { recursive: true });

const perHandoffUs = (insertMs / HANDOFFS) * 1000;
console.log(`handoffs written:          ${HANDOFFS}`);
console.log(`write cost per handoff:    ${perHandoffUs.toFixed(1)} us`);
console.log(`database after checkpoint: ${dbBytes} bytes`);
console.log(`bytes per handoff:         ${(dbBytes / HANDOFFS).toFixed(1)}`);
console.log(`WAL before close:          ${walSize.walBytes} bytes`);
console.log(`performance(last 1000):    ${(queryMs * 1000).toFixed(0)} us`);
console.log(`prune step, 500 old rows:  ${(pruneMs * 1000).toFixed(0)} us`);
console.log(`online backup (19.5k rows): ${backupMs.toFixed(1)} ms`);
console.log(
  `query / insert ratio:      ${(queryMs * 1000 / perHandoffUs).toFixed(1)}`,
);
