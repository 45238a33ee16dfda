/**
 * One interface per device kind. A simulated device and a serial one
 * implement the same interface, so configuration alone chooses between them.
 *
 * Every call that talks to a device takes an `AbortSignal`; aborting it
 * abandons the wait (the device may still finish what it was told).
 *
 * @module
 */

import type { Frame } from "../domain/frame.ts";
import type { LensId } from "../domain/lens.ts";

/**
 * A device's port went away or came back, as a driver with a port reports
 * it. Reconnecting is the driver's job; this only tells the controller.
 */
export interface DeviceLinkChange {
  /** `disconnected`: commands fail until `connected` comes. */
  state: "connected" | "disconnected";
  /** The port's path, e.g. `/dev/ttyUSB0`. */
  port: string;
  /** When disconnected: what happened and what to check. */
  message?: string;
}

/**
 * Subscribes to a device's link changes.
 *
 * @param listener called on each change
 * @returns a function that stops the calls
 */
export type OnConnectionChange = (
  listener: (change: DeviceLinkChange) => void,
) => () => void;

/** The motorised turret that puts lens A or lens B in the light path. */
export interface Turret {
  /** Brings the turret up; throws a `DeviceError` naming the port. */
  init(signal?: AbortSignal): Promise<void>;
  /** Moves `lens` into place; resolves once it is there. */
  switchTo(lens: LensId, signal?: AbortSignal): Promise<void>;
  /**
   * The lens known to be in place, or `null` when unknown (never switched,
   * or a switch failed part way).
   */
  currentLens(): LensId | null;
  /** Reports the port going and coming back; absent without a port. */
  onConnectionChange?: OnConnectionChange;
  /** Releases the device. */
  close(): Promise<void>;
}

/** The piezo focus drive that moves the objective in z. */
export interface FocusMotor {
  /** Brings the controller up (identity, precision). */
  init(signal?: AbortSignal): Promise<void>;
  /** Moves to `zUm` and resolves once the move has settled. */
  moveTo(zUm: number, signal?: AbortSignal): Promise<void>;
  /** Last settled position in micrometres. */
  positionUm(): number;
  /** Reports the port going and coming back; absent without a port. */
  onConnectionChange?: OnConnectionChange;
  /** Releases the device. */
  close(): Promise<void>;
}

/** The camera that exposes frames of the field. */
export interface Camera {
  /** Prepares the camera. */
  init(signal?: AbortSignal): Promise<void>;
  /** Exposes and returns one frame at the current lens and focus. */
  capture(signal?: AbortSignal): Promise<Frame>;
  /** Frame size in pixels. */
  readonly resolutionPx: readonly [number, number];
  /** Releases the device. */
  close(): Promise<void>;
}

/** The LED that lights the slide. */
export interface Illumination {
  /** Brings the controller up. */
  init(signal?: AbortSignal): Promise<void>;
  /** Sets the brightness level, 0..max. */
  setBrightness(level: number, signal?: AbortSignal): Promise<void>;
  /** Reads the brightness level back from the device. */
  readBrightness(signal?: AbortSignal): Promise<number>;
  /** Reports the port going and coming back; absent without a port. */
  onConnectionChange?: OnConnectionChange;
  /** Releases the device. */
  close(): Promise<void>;
}

/** The temperature sensor near the objectives. */
export interface TemperatureSensor {
  /** Reads the current temperature in degrees Celsius. */
  readC(signal?: AbortSignal): Promise<number>;
  /** Releases the device. */
  close(): Promise<void>;
}

/**
 * The slide stage, as far as the controller sees it. On a real scanner the
 * scanning software moves the stage before it asks for a handoff, so only
 * the simulator offers one: it lets calibration and tests put a field under
 * the objective whose lens-A focus lies at a chosen height.
 */
export interface FieldStage {
  /** Brings a field whose true lens-A focus is at `zAUm` under the lens. */
  presentFieldAt(zAUm: number, signal?: AbortSignal): Promise<void>;
}

/** Every device of one scanner. */
export interface Scanner {
  /** Lens turret. */
  turret: Turret;
  /** Focus motor. */
  focus: FocusMotor;
  /** Camera. */
  camera: Camera;
  /** LED illumination. */
  illumination: Illumination;
  /** Temperature sensor. */
  temperature: TemperatureSensor;
  /** Slide stage, present on the simulator only. */
  stage?: FieldStage;
  /** Closes every device, even when some fail to close. */
  close(): Promise<void>;
}

/** The device kinds, as named in messages and in `/health`. */
export type DeviceKind =
  | "turret"
  | "focus_motor"
  | "camera"
  | "illumination"
  | "temperature";
