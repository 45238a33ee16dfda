import assert from "node:assert/strict";
import { defaultConfig } from "../../config/load.ts";
import type { Config } from "../../config/schema.ts";
import { configureLogging, getLogger } from "../../logging/configure.ts";
import type { LoggerLike } from "../../logging/logger_like.ts";

const API_KEY = "sk-live-7f3a9c01-do-not-log";
const TELEMETRY_KEY = "tlm/ab+cd==9911";

function configWith(
  level: Config["system"]["log_level"],
  logDir: string,
): Config {
  const config = defaultConfig(() => undefined);
  return {
    ...config,
    system: { ...config.system, log_level: level },
    paths: { ...config.paths, log_dir: logDir },
    security: { ...config.security, api_key: API_KEY },
    monitoring: {
      ...config.monitoring,
      telemetry: { ...config.monitoring.telemetry, api_key: TELEMETRY_KEY },
    },
  };
}

async function withLogging(
  level: Config["system"]["log_level"],
  fn: (lines: string[], logDir: string) => void | Promise<void>,
) {
  const logDir = await Deno.makeTempDir({ prefix: "logging_test_" });
  const lines: string[] = [];
  const handle = await configureLogging(configWith(level, logDir), {
    console: (line) => lines.push(line),
  });
  try {
    await fn(lines, logDir);
  } finally {
    await handle.close();
    await Deno.remove(logDir, { recursive: true });
  }
}

Deno.test("configureLogging writes lines at the configured level to the console and the file", async () => {
  await withLogging("INFO", async (lines, logDir) => {
    const logger = getLogger(["driver", "piezo"]);
    logger.debug("--> MOV?");
    logger.info("Focus moved to {zUm} um", { zUm: 3.25, lens: "B" });

    assert.equal(lines.length, 1);
    assert.match(
      lines[0],
      /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO autofocus\.driver\.piezo: Focus moved to 3\.25 um \{"lens":"B"\}$/,
    );
    const file = await Deno.readTextFile(`${logDir}/autofocus.log`);
    assert.equal(file, `${lines[0]}\n`);
  });
});

Deno.test("configureLogging at WARNING drops info and keeps warnings and errors", async () => {
  await withLogging("WARNING", (lines) => {
    const logger = getLogger(["monitor"]);
    logger.info("routine");
    logger.warn("slow handoffs");
    logger.error("turret fault");

    assert.deepEqual(
      lines.map((line) => line.split(" ")[1]),
      ["WARNING", "ERROR"],
    );
  });
});

Deno.test("configureLogging at DEBUG keeps debug lines", async () => {
  await withLogging("DEBUG", (lines) => {
    getLogger(["driver", "turret"]).debug("<-- COMPLETE");
    assert.equal(lines.length, 1);
    assert.match(lines[0], / DEBUG autofocus\.driver\.turret: <-- COMPLETE$/);
  });
});

Deno.test("no configured secret appears in any log line, whatever form it is logged in", async () => {
  await withLogging("DEBUG", async (lines, logDir) => {
    const logger = getLogger(["http"]);
    logger.info(`Authorization: Bearer ${API_KEY}`);
    logger.info("request with key {key}", { key: API_KEY });
    logger.warn("telemetry rejected", {
      headers: { "x-api-key": TELEMETRY_KEY },
      url: `http://127.0.0.1:9/t?key=${encodeURIComponent(TELEMETRY_KEY)}`,
    });
    logger.error("failed: {error}", {
      error: new Error(`bad key "${API_KEY}"`),
    });

    const file = await Deno.readTextFile(`${logDir}/autofocus.log`);
    for (const text of [lines.join("\n"), file]) {
      assert.ok(!text.includes(API_KEY), text);
      assert.ok(!text.includes(TELEMETRY_KEY), text);
      assert.ok(!text.includes(encodeURIComponent(TELEMETRY_KEY)), text);
      assert.ok(!text.includes("7f3a9c01"), text);
    }
    assert.equal(lines.length, 4);
    assert.ok(lines.every((line) => line.includes("[REDACTED]")));
  });
});

Deno.test("a record with a line break stays on one line", async () => {
  await withLogging("INFO", (lines) => {
    getLogger(["serial"]).info("reply {reply}", { reply: "OK\r\nERROR" });
    assert.equal(lines.length, 1);
    assert.ok(lines[0].endsWith("reply OK\\r\\nERROR"));
  });
});

Deno.test("a logtape logger can be injected where a LoggerLike is expected", async () => {
  await withLogging("INFO", (lines) => {
    const injected: LoggerLike = getLogger(["monitor"]);
    injected.warn("Mean handoff time is high", { alert: "handoff_time" });
    assert.match(
      lines[0],
      /WARNING autofocus\.monitor: .*"alert":"handoff_time"/,
    );
  });
});
