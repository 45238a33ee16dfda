import { type History, openHistory } from "../../history/history.ts";

/** A scanner's live files in a temporary directory. */
export interface LiveScanner {
  root: string;
  calibrationFile: string;
  configFile: string;
  historyFile: string;
  logDir: string;
  location: string;
  history: History;
}

export const SCANNER = "Hematology Scanner #1";
export const CONFIG_TEXT =
  'system:\n  name: "Hematology Scanner #1"\nsecurity:\n  api_key: "${API_KEY}"\n';

/** Creates live files: calibration, config, history with handoffs, logs. */
export async function liveScanner(): Promise<LiveScanner> {
  const root = await Deno.makeTempDir({ prefix: "backup_test_" });
  const live: LiveScanner = {
    root,
    calibrationFile: `${root}/var/calibration.json`,
    configFile: `${root}/etc/production.yaml`,
    historyFile: `${root}/var/history.sqlite`,
    logDir: `${root}/var/logs`,
    location: `${root}/backups`,
    history: undefined as unknown as History,
  };
  await Deno.mkdir(`${root}/etc`, { recursive: true });
  await Deno.mkdir(live.logDir, { recursive: true });
  await Deno.writeTextFile(live.calibrationFile, '{"rms_error_um":0.05}\n');
  await Deno.writeTextFile(live.configFile, CONFIG_TEXT);
  await Deno.writeTextFile(`${live.logDir}/autofocus.log`, "line 2\n");
  await Deno.writeTextFile(`${live.logDir}/autofocus.log.1`, "line 1\n");
  live.history = openHistory(live.historyFile);
  addHandoffs(live.history, 3);
  return live;
}

/** Adds handoffs to a history. */
export function addHandoffs(history: History, count: number): void {
  for (let i = 0; i < count; i++) {
    history.recordHandoff({
      zSourceUm: i,
      zTargetUm: i,
      success: true,
      elapsedMs: 100 + i,
    });
  }
}

/** Every file under a directory with its content, for before/after checks. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  async function walk(path: string, prefix: string) {
    for await (const entry of Deno.readDir(path)) {
      const name = `${prefix}${entry.name}`;
      if (entry.isDirectory) await walk(`${path}/${entry.name}`, `${name}/`);
      else {
        const bytes = await Deno.readFile(`${path}/${entry.name}`);
        files.set(
          name,
          Array.from(bytes.subarray(0, 4096)).join(",") + `:${bytes.length}`,
        );
      }
    }
  }
  await walk(dir, "");
  return files;
}
