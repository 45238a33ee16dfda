import assert from "node:assert/strict";
import { confineProcessEnv } from "../../permissions/process_env.ts";

function fakeEnv(allowed: Record<string, string>) {
  return {
    get(name: string): string | undefined {
      if (name in allowed) return allowed[name];
      throw new Deno.errors.NotCapable(`Requires env access to "${name}"`);
    },
  };
}

Deno.test("confineProcessEnv reads allowed variables and reports others as unset", () => {
  const target: { env: unknown } = { env: undefined };

  const replaced = confineProcessEnv({
    target,
    env: fakeEnv({ API_KEY: "k" }),
    fullAccess: false,
  });

  const env = target.env as Record<string, string | undefined>;
  assert.equal(replaced, true);
  assert.equal(env.API_KEY, "k");
  assert.equal(env.HOME, undefined);
  assert.equal("API_KEY" in env, true);
  assert.equal("HOME" in env, false);
  assert.deepEqual(Object.keys(env), []);
});

Deno.test("confineProcessEnv keeps variables set in-process and lists them", () => {
  const target: { env: unknown } = { env: undefined };
  confineProcessEnv({ target, env: fakeEnv({}), fullAccess: false });
  const env = target.env as Record<string, string | undefined>;

  env.DEBUG_COLORS = "no";

  assert.equal(env.DEBUG_COLORS, "no");
  assert.deepEqual(Object.keys(env), ["DEBUG_COLORS"]);
});

Deno.test("confineProcessEnv leaves process.env alone with full access", () => {
  const original = { PATH: "/bin" };
  const target: { env: unknown } = { env: original };

  assert.equal(confineProcessEnv({ target, fullAccess: true }), false);
  assert.equal(target.env, original);
});

Deno.test("confineProcessEnv passes on errors other than a missing permission", () => {
  const target: { env: unknown } = { env: undefined };
  confineProcessEnv({
    target,
    env: {
      get() {
        throw new TypeError("bad name");
      },
    },
    fullAccess: false,
  });

  assert.throws(
    () => (target.env as Record<string, string>).X,
    TypeError,
  );
});
