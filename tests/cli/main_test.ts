import assert from "node:assert/strict";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const STACK = new URL("../../../shared/data/urjc-adipose-s1", import.meta.url)
  .pathname;

async function runMain(args: string[], permissions: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

Deno.test("autofocus --stack finds the expert's slice 10 of the real stack in fewer frames than a sweep", async () => {
  const run = await runMain(
    ["autofocus", "--stack", STACK, "--json"],
    ["--allow-read", "--allow-env"],
  );

  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.best_index, 10);
  assert.equal(report.best_file, "11.png");
  assert.ok(report.frames < 17, `${report.frames} frames`);
  assert.equal(report.samples.length, report.frames);
});

Deno.test("handoff --json prints one JSON object and nothing else on stdout", async () => {
  const dir = await Deno.makeTempDir();
  const config = `${dir}/scanner.yaml`;
  await Deno.writeTextFile(
    config,
    (await Deno.readTextFile(
      new URL("../../config/default_config.ts", import.meta.url),
    )).split("`")[1].replace(
      'calibration_file: "var/calibration.json"',
      `calibration_file: "${dir}/calibration.json"`,
    ).replace("calibration_points: 25", "calibration_points: 10"),
  );

  const run = await runMain(
    ["handoff", "--z-source", "3", "--config", config, "--json"],
    [
      `--allow-read=${dir},./node_modules`,
      `--allow-write=${dir}`,
      "--allow-env",
    ],
  );

  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.success, true);
  assert.match(run.stderr, /calibrat/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("bad configuration stops with one message naming the key and line, exit 2", async () => {
  const dir = await Deno.makeTempDir();
  const config = `${dir}/bad.yaml`;
  await Deno.writeTextFile(
    config,
    (await Deno.readTextFile(
      new URL("../../../shared/fixtures/production.yaml", import.meta.url),
    ))
      .replace("speed_um_per_s: 500", "speed_um_per_s: -500"),
  );

  const run = await runMain(
    ["handoff", "--z-source", "3", "--config", config],
    [`--allow-read=${dir}`, "--allow-env"],
  );

  assert.equal(run.code, 2);
  assert.equal(run.stdout, "");
  assert.match(
    run.stderr,
    /hardware\.focus_motor\.speed_um_per_s \(line 26\): found -500/,
  );
  assert.match(run.stderr, /API_KEY not set/);
  await Deno.remove(dir, { recursive: true });
});
