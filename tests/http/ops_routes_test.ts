import assert from "node:assert/strict";
import { createApp } from "../../http/app.ts";
import { calibratedConfig, startLab } from "../actors/_lab_fixture.ts";
import { startService } from "../actors/_service_fixture.ts";

/** The value of the one sample whose line starts with `name{` and has `labels`. */
function sample(text: string, name: string, labels: string[]): number {
  const line = text.split("\n").find((candidate) =>
    candidate.startsWith(`${name}{`) &&
    labels.every((label) => candidate.includes(label))
  );
  assert.ok(line, `no ${name} sample with ${labels.join(",")}`);
  return Number(line.slice(line.lastIndexOf(" ") + 1));
}

Deno.test("the lab's routes serve metrics, health score, diagnostics, alerts and maintenance", async (t) => {
  const dir = await Deno.makeTempDir();
  const { service } = await startLab(await calibratedConfig(dir));
  const app = createApp(service);
  for (const z of [-4, 0, 4]) {
    const response = await app.request(`/handoff?z_source=${z}`, {
      method: "POST",
    });
    assert.equal(response.status, 200);
    await response.body?.cancel();
  }

  await t.step(
    "GET /metrics counts the handoffs per phase and outcome",
    async () => {
      const response = await app.request("/metrics");
      const text = await response.text();

      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type")!, /^text\/plain/);
      const name = "autofocus_handoff_duration_seconds_count";
      for (const phase of ["total", "lens_switch", "focus_search"]) {
        assert.equal(sample(text, name, [`phase="${phase}"`]), 3);
      }
      assert.equal(
        sample(text, "autofocus_handoffs_total", ['outcome="success"']),
        3,
      );
      assert.ok(sample(text, "autofocus_mapping_error_um", []) >= 0);
      const hitRatio = sample(text, "autofocus_cache_hit_ratio", []);
      assert.ok(hitRatio >= 0 && hitRatio <= 1);
    },
  );

  await t.step(
    "GET /metrics shows device states and the calibration's age",
    async () => {
      const text = await (await app.request("/metrics")).text();

      assert.equal(
        sample(text, "autofocus_device_state", [
          'device="controller"',
          'state="ready"',
        ]),
        1,
      );
      assert.equal(
        sample(text, "autofocus_device_state", [
          'device="controller"',
          'state="busy"',
        ]),
        0,
      );
      assert.ok(text.includes('autofocus_device_state{device="turret"'));
      assert.ok(text.includes('autofocus_device_state{device="focus_motor"'));
      const ageS = sample(text, "autofocus_calibration_age_seconds", []);
      assert.ok(Number.isFinite(ageS), `calibration age ${ageS}`);
      assert.match(text, /scanner="Simulated Hematology Scanner"/);
    },
  );

  await t.step(
    "GET /health adds the health score with its deductions",
    async () => {
      const body = await (await app.request("/health")).json();

      assert.equal(body.status, "healthy");
      assert.equal(typeof body.health.score, "number");
      assert.ok(body.health.score >= 0 && body.health.score <= 100);
      assert.ok(Array.isArray(body.health.deductions));
      assert.equal(body.health.window_handoffs, 3);
      assert.deepEqual(body.health.alerts, []);
      assert.equal(body.performance.success_rate, 1);
    },
  );

  await t.step(
    "GET /diagnostics lists every device healthy and the trend",
    async () => {
      const body = await (await app.request("/diagnostics")).json();

      assert.equal(body.mode, "running");
      assert.deepEqual(
        body.devices.map((d: { device: string }) => d.device),
        ["turret", "focus_motor", "camera", "illumination", "temperature"],
      );
      assert.equal(body.devices_ok, true);
      assert.equal(body.trend.trend, "insufficient_data");
      assert.equal(body.history.rows.handoffs, 3);
      assert.equal(body.history.write_cost.handoffs, 3);
    },
  );

  await t.step(
    "GET /alerts and GET /maintenance answer from the history",
    async () => {
      const alerts = await (await app.request("/alerts")).json();
      const maintenance = await (await app.request("/maintenance")).json();

      assert.deepEqual(alerts, { active: [], recent: [] });
      assert.deepEqual(maintenance, { scheduler: null, runs: [] });
    },
  );

  await service.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the lab's routes answer 503 and say why when the controller runs without them", async () => {
  const dir = await Deno.makeTempDir();
  const service = await startService(await calibratedConfig(dir));
  const app = createApp(service);

  for (const path of ["/metrics", "/diagnostics", "/alerts", "/maintenance"]) {
    const response = await app.request(path);
    assert.equal(response.status, 503, path);
    assert.match((await response.json()).error, /main\.ts serve/);
  }
  const health = await (await app.request("/health")).json();
  assert.equal(health.health, undefined);
  await service.stop();
  await Deno.remove(dir, { recursive: true });
});
