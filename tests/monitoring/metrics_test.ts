import assert from "node:assert/strict";
import { createMetricsRegistry } from "../../monitoring/metrics.ts";

function sampleLine(text: string, start: string): string | undefined {
  return text.split("\n").find((line) => line.startsWith(start));
}

Deno.test("observeHandoff fills the per-phase histogram in seconds and counts outcomes by cause", async () => {
  const metrics = createMetricsRegistry();
  metrics.observeHandoff({
    success: true,
    elapsedMs: 120,
    lensSwitchMs: 25,
    focusMoveMs: 10,
    focusSearchMs: 70,
    validationMs: 15,
    mappingErrorUm: 0.3,
  });
  metrics.observeHandoff({
    success: false,
    elapsedMs: 400,
    lensSwitchMs: 25,
    failureCause: "turret_timeout",
  });

  const text = await metrics.render();

  assert.equal(
    sampleLine(text, 'autofocus_handoff_duration_seconds_count{phase="total"}'),
    'autofocus_handoff_duration_seconds_count{phase="total"} 2',
  );
  assert.equal(
    sampleLine(text, 'autofocus_handoff_duration_seconds_sum{phase="total"}'),
    'autofocus_handoff_duration_seconds_sum{phase="total"} 0.52',
  );
  assert.equal(
    sampleLine(
      text,
      'autofocus_handoff_duration_seconds_bucket{le="0.15",phase="total"}',
    ),
    'autofocus_handoff_duration_seconds_bucket{le="0.15",phase="total"} 1',
  );
  assert.equal(
    sampleLine(
      text,
      'autofocus_handoff_duration_seconds_count{phase="lens_switch"}',
    ),
    'autofocus_handoff_duration_seconds_count{phase="lens_switch"} 2',
  );
  assert.equal(
    sampleLine(
      text,
      'autofocus_handoff_duration_seconds_count{phase="validation"}',
    ),
    'autofocus_handoff_duration_seconds_count{phase="validation"} 1',
  );
  assert.ok(
    text.includes('autofocus_handoffs_total{outcome="success",cause="none"} 1'),
  );
  assert.ok(
    text.includes(
      'autofocus_handoffs_total{outcome="failure",cause="turret_timeout"} 1',
    ),
  );
  assert.ok(text.includes("autofocus_mapping_error_um 0.3"));
  assert.ok(
    text.includes("# TYPE autofocus_handoff_duration_seconds histogram"),
  );
});

Deno.test("device states and alerts keep earlier label values at 0", async () => {
  const metrics = createMetricsRegistry();
  metrics.setDeviceState("turret", "switching");
  metrics.setDeviceState("turret", "idle");
  metrics.setActiveAlerts(["handoff_time", "success_rate"]);
  metrics.setActiveAlerts(["success_rate"]);
  metrics.setCacheHitRate(0.75);

  const text = await metrics.render();

  assert.ok(
    text.includes('autofocus_device_state{device="turret",state="idle"} 1'),
  );
  assert.ok(
    text.includes(
      'autofocus_device_state{device="turret",state="switching"} 0',
    ),
  );
  assert.ok(text.includes('autofocus_alert_active{alert="handoff_time"} 0'));
  assert.ok(text.includes('autofocus_alert_active{alert="success_rate"} 1'));
  assert.ok(text.includes("autofocus_cache_hit_ratio 0.75"));
});

Deno.test("calibration age is measured at scrape time on the wall clock", async () => {
  let nowMs = 10_000;
  const metrics = createMetricsRegistry({ wallClockMs: () => nowMs });

  assert.match(
    await metrics.render(),
    /autofocus_calibration_age_seconds Nan/i,
  );

  metrics.setCalibrationTime(4_000);
  assert.ok(
    (await metrics.render()).includes("autofocus_calibration_age_seconds 6"),
  );

  nowMs = 64_000;
  assert.ok(
    (await metrics.render()).includes("autofocus_calibration_age_seconds 60"),
  );
});

Deno.test("two registries do not share counters", async () => {
  const first = createMetricsRegistry();
  const second = createMetricsRegistry({
    defaultLabels: { scanner: "bench 2" },
  });
  first.observeHandoff({ success: true, elapsedMs: 100 });

  const text = await second.render();

  assert.ok(!text.includes('outcome="success"'));
  assert.match(second.contentType, /^text\/plain/);
});
