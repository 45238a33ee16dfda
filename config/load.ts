/**
 * Loads configuration: YAML text, `${VAR}` substitution from the
 * environment, validation against the schema, and errors that point at the
 * key and line an operator has to fix.
 *
 * @module
 */

import { isScalar, LineCounter, parseDocument, visit } from "yaml";
import type { Document } from "yaml";
import type { z } from "zod";
import { type Config, configSchema } from "./schema.ts";
import { ConfigError, type ConfigIssue } from "./errors.ts";
import { DEFAULT_CONFIG_YAML } from "./default_config.ts";

/** Where variables come from; `Deno.env.get` by default. */
export type EnvLookup = (name: string) => string | undefined;

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Parses and validates configuration text.
 *
 * @param text YAML text
 * @param source a name for messages: the file path
 * @param env variable lookup for `${VAR}`
 * @returns the validated configuration
 * @throws {ConfigError} listing every key that is wrong, with its line
 */
export function parseConfig(
  text: string,
  source: string,
  env: EnvLookup = (name) => Deno.env.get(name),
): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((error) => ({
        key: "(document)",
        line: error.linePos?.[0].line,
        found: "text that is not valid YAML",
        allowed: error.message.split("\n")[0],
      })),
    );
  }

  const missing = substituteVariables(doc, lineCounter, env);
  const parsed = configSchema.safeParse(doc.toJS());
  const invalid = parsed.success ? [] : parsed.error.issues
    .map((issue) => toIssue(issue, doc, lineCounter))
    .filter((issue) => !missing.some((gap) => gap.key === issue.key));
  if (missing.length > 0 || !parsed.success) {
    throw new ConfigError(source, [...missing, ...invalid]);
  }
  return parsed.data;
}

/**
 * Reads and validates a configuration file.
 *
 * @param path the YAML file
 * @param env variable lookup for `${VAR}`
 * @throws {ConfigError} when the file cannot be read or is invalid
 */
export async function loadConfigFile(
  path: string,
  env?: EnvLookup,
): Promise<Config> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(path, [{
      key: "(file)",
      found: error instanceof Error ? error.message : String(error),
      allowed: "give --config the path of a readable YAML file",
    }], { cause: error });
  }
  return parseConfig(text, path, env);
}

/**
 * The embedded default: the simulated scanner with the sample's lenses.
 *
 * @param env variable lookup for `${VAR}`
 */
export function defaultConfig(env?: EnvLookup): Config {
  return parseConfig(DEFAULT_CONFIG_YAML, "embedded default", env);
}

function substituteVariables(
  doc: Document,
  lineCounter: LineCounter,
  env: EnvLookup,
): ConfigIssue[] {
  const missing: ConfigIssue[] = [];
  visit(doc, {
    Scalar(_key, node, path) {
      if (typeof node.value !== "string" || !node.value.includes("${")) return;
      node.value = node.value.replace(VARIABLE, (whole, name: string) => {
        const value = env(name);
        if (value !== undefined) return value;
        missing.push({
          key: keyOfPath(path),
          line: node.range
            ? lineCounter.linePos(node.range[0]).line
            : undefined,
          found: `${whole} with ${name} not set in the environment`,
          allowed: `set ${name} before starting, or write the value in`,
        });
        return whole;
      });
    },
  });
  return missing;
}

function keyOfPath(path: readonly unknown[]): string {
  const keys: string[] = [];
  for (const node of path) {
    if (node && typeof node === "object" && "key" in node) {
      const key = (node as { key: unknown }).key;
      if (isScalar(key)) keys.push(String(key.value));
    }
  }
  return keys.join(".") || "(document)";
}

function toIssue(
  issue: z.core.$ZodIssue,
  doc: Document,
  lineCounter: LineCounter,
): ConfigIssue {
  const path = issue.path.map((part) =>
    typeof part === "number" ? part : String(part)
  );
  const value = doc.getIn(path);
  if (issue.code === "unrecognized_keys") {
    const name = issue.keys[0];
    return {
      key: [...path, name].join("."),
      line: lineOfKey(doc, path, name, lineCounter),
      found: `unknown key${issue.keys.length > 1 ? "s" : ""} ${
        issue.keys.join(", ")
      }`,
      allowed: "remove it or correct the spelling",
    };
  }
  return {
    key: path.join(".") || "(document)",
    line: lineOfNearest(doc, path, lineCounter),
    found: value === undefined
      ? "nothing (the key is missing)"
      : describe(value),
    allowed: issue.message,
  };
}

type Ranged = { range?: [number, number, number] | null };

function lineOfNearest(
  doc: Document,
  path: (string | number)[],
  lineCounter: LineCounter,
): number | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as Ranged | undefined;
    if (node?.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

function lineOfKey(
  doc: Document,
  parentPath: (string | number)[],
  name: string,
  lineCounter: LineCounter,
): number | undefined {
  const parent =
    (parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true)) as
      | { items?: { key: { value?: unknown } & Ranged }[] }
      | undefined;
  const key = parent?.items?.find((pair) => pair.key?.value === name)?.key;
  return key?.range ? lineCounter.linePos(key.range[0]).line : undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  const json = JSON.stringify(
    value && typeof value === "object" && "toJSON" in value
      ? (value as { toJSON(): unknown }).toJSON()
      : value,
  );
  return json && json.length > 60 ? `${json.slice(0, 57)}...` : String(json);
}
