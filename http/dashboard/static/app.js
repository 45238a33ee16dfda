/**
 * The dashboard: status, performance, mapping accuracy, alerts, devices and
 * the handoff-time trend, kept live by the `/events` stream, with manual
 * controls that send the API key the operator typed (kept in this tab's
 * sessionStorage only, never in the page).
 *
 * @module
 */

import { followEvents } from "./event_stream.js";
import { TrendChart } from "./trend_chart.js";

const KEY_STORAGE = "autofocus.apiKey";
const $ = (id) => document.getElementById(id);

const targetMs = Number(document.body.dataset.handoffTargetMs) || 300;
const chart = new TrendChart($("trend"), targetMs);
let streamStop = new AbortController();

function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) ?? "";
}

function keyHeaders() {
  const key = apiKey();
  return key ? { "X-API-Key": key } : {};
}

function ms(value) {
  return typeof value === "number" ? `${value.toFixed(1)} ms` : "-";
}

function percent(value) {
  return typeof value === "number" ? `${(value * 100).toFixed(1)} %` : "-";
}

function um(value) {
  return typeof value === "number" ? `${value.toFixed(3)} um` : "-";
}

function setText(id, text) {
  $(id).textContent = text;
}

function showPhase(phase, notice) {
  const pill = $("phase");
  pill.textContent = phase;
  pill.dataset.phase = phase;
  $("notice").hidden = !notice;
  setText("notice", notice ?? "");
}

function showPerformance(performance) {
  if (!performance) return;
  setText("avg-handoff", ms(performance.avg_handoff_time_ms));
  setText("p95-handoff", ms(performance.p95_handoff_time_ms));
  setText("success-rate", percent(performance.success_rate));
  setText("cache-hit-rate", percent(performance.cache_hit_rate));
  if (typeof performance.total_handoffs === "number") {
    setText("total-handoffs", String(performance.total_handoffs));
  }
}

function showMapping(calibration) {
  if (calibration === undefined) return;
  setText("rms-error", um(calibration?.rms_error_um));
  setText("max-error", um(calibration?.max_error_um));
  setText("mapping-points", calibration ? String(calibration.num_points) : "-");
  setText(
    "calibrated-at",
    calibration
      ? new Date(calibration.calibrated_at).toLocaleString()
      : "never",
  );
}

const activeAlerts = new Map();

function renderAlerts() {
  const list = $("alerts");
  list.replaceChildren();
  if (activeAlerts.size === 0) {
    const none = document.createElement("li");
    none.className = "none";
    none.textContent = "none";
    list.append(none);
    return;
  }
  for (const alert of activeAlerts.values()) {
    const item = document.createElement("li");
    item.dataset.kind = alert.kind;
    item.textContent = alert.message;
    list.append(item);
  }
}

function showDevices(devices) {
  if (!Array.isArray(devices)) return;
  if (devices.length === 0) {
    const row = document.createElement("tr");
    const cell = document.createElement("td");
    cell.colSpan = 3;
    cell.className = "muted";
    cell.textContent = "no device reported";
    row.append(cell);
    $("devices").replaceChildren(row);
    return;
  }
  const rows = devices.map((device) => {
    const row = document.createElement("tr");
    for (
      const [text, state] of [[device.kind], [device.state, true], [
        device.detail ?? "",
      ]]
    ) {
      const cell = document.createElement("td");
      cell.textContent = text;
      if (state) cell.dataset.state = device.state;
      row.append(cell);
    }
    return row;
  });
  $("devices").replaceChildren(...rows);
}

function showStatus(status) {
  showPhase(status.phase ?? status.status ?? "unknown", status.notice);
  showPerformance(status.performance);
  showMapping(
    status.mapping === null
      ? null
      : status.mapping?.calibration ?? status.mapping,
  );
  showDevices(status.devices);
  if (Array.isArray(status.alerts)) {
    activeAlerts.clear();
    for (const alert of status.alerts) activeAlerts.set(alert.kind, alert);
    renderAlerts();
  }
}

function showHandoffResult(result, label = "handoff") {
  const box = $("handoff-result");
  box.dataset.outcome = result.success ? "succeeded" : "failed";
  box.textContent = result.success
    ? `${label}: z_target ${um(result.z_target)}, ${ms(result.elapsed_ms)} ` +
      `(switch ${ms(result.lens_switch_ms)}, move ${
        ms(result.focus_move_ms)
      }, ` +
      `search ${ms(result.focus_search_ms)}, validation ${
        ms(result.validation_ms)
      }), ` +
      `mapping error ${um(result.mapping_error_um)}`
    : `${label} failed: ${
      typeof result.error === "string"
        ? result.error
        : result.error?.message ?? "unknown error"
    }`;
}

function showCalibration(progress) {
  const bar = $("calibration-progress");
  bar.hidden = !progress.running;
  if (typeof progress.fraction === "number") bar.value = progress.fraction;
  const report = progress.report;
  setText(
    "calibration-state",
    report
      ? (report.completed
        ? "calibration finished"
        : `calibration failed: ${report.failure}`)
      : progress.message ?? (progress.running ? "calibrating" : ""),
  );
}

const EVENT_HANDLERS = {
  status: showStatus,
  handoff: (result) => chart.add([result]),
  alert: (alert) => {
    if (alert.state === "cleared") activeAlerts.delete(alert.kind);
    else activeAlerts.set(alert.kind, alert);
    renderAlerts();
  },
  calibration: showCalibration,
};

function setLive(state) {
  const live = $("live");
  live.dataset.live = state === "open" ? "on" : "off";
  live.textContent = {
    open: "live",
    closed: "reconnecting",
    unauthorized: "enter the API key for live updates",
  }[state];
}

function startStream() {
  streamStop.abort();
  streamStop = new AbortController();
  followEvents("/events", {
    headers: keyHeaders,
    signal: streamStop.signal,
    onState: setLive,
    onEvent: (event) => {
      const handler = EVENT_HANDLERS[event.type];
      if (handler) handler(JSON.parse(event.data));
    },
  });
}

async function loadInitial() {
  const health = await fetch("/health", { cache: "no-store" });
  if (health.headers.get("content-type")?.includes("json")) {
    showStatus(await health.json());
  }
  const stats = await fetch("/stats", {
    headers: keyHeaders(),
    cache: "no-store",
  });
  if (!stats.ok) return;
  const body = await stats.json();
  showPerformance(body.performance);
  showMapping(body.mapping ? body.mapping.calibration : null);
  if (Array.isArray(body.recent_handoffs)) chart.add(body.recent_handoffs);
}

function showError(error) {
  $("notice").hidden = false;
  setText("notice", `Cannot load the dashboard's data: ${error.message}`);
}

function showKeyState() {
  setText("key-state", apiKey() ? "key set for this tab" : "no key");
}

$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("api-key");
  if (input.value) sessionStorage.setItem(KEY_STORAGE, input.value);
  input.value = "";
  showKeyState();
  loadInitial().catch(showError);
  startStream();
});

$("forget-key").addEventListener("click", () => {
  sessionStorage.removeItem(KEY_STORAGE);
  showKeyState();
  startStream();
});

$("handoff-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const z = $("z-source").value;
  setText("handoff-result", "running...");
  const response = await fetch(`/handoff?z_source=${encodeURIComponent(z)}`, {
    method: "POST",
    headers: keyHeaders(),
  });
  const body = await response.json().catch(() => ({
    success: false,
    error: response.statusText,
  }));
  if (response.status === 401) body.error = "the API key is missing or wrong";
  showHandoffResult(body, `test handoff at z ${z} um`);
});

$("start-calibration").addEventListener("click", async () => {
  const response = await fetch("/calibrate", {
    method: "POST",
    headers: keyHeaders(),
  });
  const body = await response.json().catch(() => ({}));
  setText(
    "calibration-state",
    response.ok
      ? "calibration started"
      : response.status === 401
      ? "the API key is missing or wrong"
      : `not started: ${body.error ?? body.message ?? response.statusText}`,
  );
});

showKeyState();
loadInitial().catch(showError);
startStream();
