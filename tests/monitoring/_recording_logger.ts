import type { LoggerLike, LogProperties } from "../../logging/logger_like.ts";

/** One line a {@linkcode RecordingLogger} received. */
export interface LoggedLine {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  properties?: LogProperties;
}

/** A logger that keeps every line for assertions. */
export class RecordingLogger implements LoggerLike {
  readonly lines: LoggedLine[] = [];

  debug(message: string, properties?: LogProperties): void {
    this.lines.push({ level: "debug", message, properties });
  }
  info(message: string, properties?: LogProperties): void {
    this.lines.push({ level: "info", message, properties });
  }
  warn(message: string, properties?: LogProperties): void {
    this.lines.push({ level: "warn", message, properties });
  }
  error(message: string, properties?: LogProperties): void {
    this.lines.push({ level: "error", message, properties });
  }

  /** Lines at one level. */
  at(level: LoggedLine["level"]): LoggedLine[] {
    return this.lines.filter((line) => line.level === level);
  }
}
