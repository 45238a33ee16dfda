import assert from "node:assert/strict";
import { createApp } from "../../http/app.ts";
import { startService, testConfig } from "../actors/_service_fixture.ts";
import type { SimulatedTurret } from "../../drivers/simulated/turret.ts";

Deno.test("the HTTP contract answers as the labs' clients expect", async (t) => {
  const dir = await Deno.makeTempDir();
  const service = await startService(testConfig(dir, 10));
  const app = createApp(service);

  await t.step(
    "GET /health has status, system_time and performance",
    async () => {
      const response = await app.request("/health");
      const body = await response.json();

      assert.equal(response.status, 200);
      assert.equal(body.status, "healthy");
      assert.equal(typeof body.system_time, "number");
      assert.deepEqual(Object.keys(body.performance).sort(), [
        "avg_handoff_time_ms",
        "cache_hit_rate",
        "success_rate",
      ]);
    },
  );

  await t.step(
    "POST /handoff?z_source=3 succeeds with every field",
    async () => {
      const response = await app.request("/handoff?z_source=3", {
        method: "POST",
      });
      const body = await response.json();

      assert.equal(response.status, 200);
      assert.equal(body.success, true);
      for (
        const field of [
          "z_target",
          "elapsed_ms",
          "mapping_error_um",
          "lens_switch_ms",
          "focus_move_ms",
          "focus_search_ms",
          "validation_ms",
        ]
      ) {
        assert.equal(typeof body[field], "number", field);
      }
    },
  );

  await t.step(
    "bad z_source values get a 400 that says what is wrong",
    async () => {
      const cases: [string, RegExp][] = [
        ["/handoff", /missing/],
        ["/handoff?z_source=abc", /must be a decimal number/],
        ["/handoff?z_source=NaN", /must be a decimal number/],
        ["/handoff?z_source=0x10", /must be a decimal number/],
        ["/handoff?z_source=21", /outside lens A's range -20..20/],
      ];
      for (const [path, message] of cases) {
        const response = await app.request(path, { method: "POST" });
        assert.equal(response.status, 400, path);
        assert.match((await response.json()).error, message);
      }
    },
  );

  await t.step(
    "a device fault answers 502 naming the device, and /health stays up",
    async () => {
      (service.scanner.turret as SimulatedTurret).failNext("fault", 2);
      const response = await app.request("/handoff?z_source=1", {
        method: "POST",
      });
      const body = await response.json();

      assert.equal(response.status, 502);
      assert.equal(body.success, false);
      assert.equal(body.error.device, "turret");
      assert.equal((await app.request("/health")).status, 200);
    },
  );

  await t.step(
    "GET /stats reports performance, calibration accuracy and validation points",
    async () => {
      const response = await app.request("/stats");
      const body = await response.json();

      assert.equal(response.status, 200);
      assert.equal(body.performance.total_handoffs, 2);
      assert.equal(typeof body.mapping.calibration.rms_error_um, "number");
      assert.equal(typeof body.mapping.calibration.max_error_um, "number");
      assert.equal(body.mapping.recent_performance.validation_points.length, 1);
      assert.equal(typeof body.timestamp, "number");
    },
  );

  await t.step(
    "POST /calibrate/rollback forgets adaptive updates",
    async () => {
      const response = await app.request("/calibrate/rollback", {
        method: "POST",
      });
      const body = await response.json();

      assert.equal(response.status, 200);
      assert.equal(body.rolled_back, true);
    },
  );

  await t.step("GET /state shows every actor's state", async () => {
    const body = await (await app.request("/state")).json();

    assert.equal(body.supervisor.value, "ready");
    assert.equal(body.turret.value, "fault");
    assert.equal(body.focus_motor.value, "idle");
  });

  await service.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("GET /health answers 503 until the system is up", async () => {
  const dir = await Deno.makeTempDir();
  const config = testConfig(dir);
  await Deno.writeTextFile(config.paths.calibration_file, "{}");
  const service = await startService(config);
  const response = await createApp(service).request("/health");

  assert.equal(response.status, 503);
  assert.equal((await response.json()).status, "uncalibrated");
  await service.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a z_source whose lens-B focus lies beyond lens B's range is refused without a search", async () => {
  const dir = await Deno.makeTempDir();
  const service = await startService(testConfig(dir, 10));
  const app = createApp(service);

  const response = await app.request("/handoff?z_source=19.5", {
    method: "POST",
  });
  const body = await response.json();

  assert.equal(response.status, 422);
  assert.equal(body.success, false);
  assert.equal(body.error.device, "mapping");
  assert.match(body.error.message, /outside lens B's range -15..15 um/);
  assert.equal(body.frames, 0);
  await service.stop();
  await Deno.remove(dir, { recursive: true });
});
