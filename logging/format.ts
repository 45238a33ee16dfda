/**
 * The one-line text format of log records, shared by the console and the
 * file: time, level, category, message, then the properties the message
 * does not already show, as JSON.
 *
 * `2025-03-01T02:00:00.000Z WARNING autofocus.monitor: Mean handoff time
 * 412.0 ms ... {"alert":"handoff_time"}`
 *
 * @module
 */

import type { LogLevel, LogRecord } from "@logtape/logtape";

const LEVEL_NAMES: Record<LogLevel, string> = {
  trace: "TRACE",
  debug: "DEBUG",
  info: "INFO",
  warning: "WARNING",
  error: "ERROR",
  fatal: "FATAL",
};

function renderValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return toJson(value);
}

function toJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, inner) => {
      if (inner instanceof Error) {
        return { name: inner.name, message: inner.message };
      }
      if (typeof inner === "bigint") return inner.toString();
      return inner;
    }) ?? String(value);
  } catch {
    return Deno.inspect(value, { depth: 4, colors: false });
  }
}

/**
 * Formats a record as one line, without the trailing newline. Line breaks
 * inside values are escaped so that one record is always one line.
 *
 * @param record a logtape record
 * @returns the line
 */
export function formatRecord(record: LogRecord): string {
  const time = new Date(record.timestamp).toISOString();
  const level = LEVEL_NAMES[record.level];
  const category = record.category.join(".");
  const message = record.message
    .map((part, index) => index % 2 === 0 ? String(part) : renderValue(part))
    .join("");

  const raw = typeof record.rawMessage === "string"
    ? record.rawMessage
    : record.rawMessage.join("");
  const extra = Object.entries(record.properties).filter(([name]) =>
    !raw.includes(`{${name}}`)
  );
  const tail = extra.length === 0
    ? ""
    : ` ${toJson(Object.fromEntries(extra))}`;
  return `${time} ${level} ${category}: ${message}${tail}`
    .replaceAll("\r", "\\r")
    .replaceAll("\n", "\\n");
}
