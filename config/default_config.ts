/**
 * The embedded default configuration: a simulated scanner with the lens
 * profiles and timings of the deployment guide's sample. It lives in a
 * module, not a file beside the binary, so the compiled service needs no
 * read permission to start on it.
 *
 * @module
 */

/** YAML text of the default configuration. */
export const DEFAULT_CONFIG_YAML =
  `# Simulated dual-lens scanner (embedded default).
system:
  name: "Simulated Hematology Scanner"
  location: "Development"
  optimization_level: "ULTRA_FAST"
  enable_telemetry: false
  log_level: "INFO"

hardware:
  camera:
    driver: "simulated"
    device_id: 0
    resolution: [2048, 1536]
    exposure_ms: 10
    gain: 1.0
  lens_turret:
    driver: "simulated"
    switch_time_ms: 25
  focus_motor:
    driver: "simulated"
    precision_um: 0.01
    speed_um_per_s: 500
  illumination:
    driver: "simulated"
    max_brightness: 255
    default_brightness: 128

lenses:
  lens_a:
    name: "Scanning Lens 20x"
    magnification: 20.0
    na: 0.4
    z_range_um: [-20.0, 20.0]
    focus_speed_um_per_s: 500.0
    settle_time_ms: 5.0
  lens_b:
    name: "Analysis Lens 60x"
    magnification: 60.0
    na: 1.2
    z_range_um: [-15.0, 15.0]
    focus_speed_um_per_s: 300.0
    settle_time_ms: 8.0

parfocal:
  model_type: "ADAPTIVE"
  calibration_points: 25
  temperature_compensation: true
  confidence_threshold: 0.95
  learning_rate: 0.1

performance:
  max_handoff_time_ms: 300
  max_mapping_error_um: 1.0
  cache_size: 100
  thread_pool_workers: 4
  enable_concurrent_operations: true
  enable_predictive_focus: true

monitoring:
  enable_performance_tracking: true
  history_retention_days: 90
  check_interval_s: 60
  alert_window_handoffs: 100
  alert_thresholds:
    handoff_time_ms: 350
    mapping_error_um: 1.5
    success_rate: 0.98
  telemetry:
    enable: false

maintenance:
  auto_calibration:
    enable: true
    interval_hours: 24
    temperature_change_threshold_c: 2.0
    temperature_check_interval_min: 10
  backup:
    enable: true
    interval_hours: 6
    retention_days: 30
    max_count: 30
    location: "var/backups"

security:
  enable_api_auth: false
  allowed_ips: ["127.0.0.1/32", "::1/128"]

server:
  host: "127.0.0.1"
  port: 8080

paths:
  data_dir: "var"
  calibration_file: "var/calibration.json"
  log_dir: "var/logs"

simulation:
  seed: 1
  ambient_temperature_c: 22.0
  temperature_drift_c_per_hour: 0.5
  focus_drift_um_per_hour: 0.3
  frame_width_px: 320
  frame_height_px: 240
  sensor_pixel_um: 3.45
  sensor_binning: 2
`;
