import assert from "node:assert/strict";
import {
  derivedCommand,
  freePort,
  REPO,
  writeSimulatorConfig,
} from "./_derived_flags.ts";

interface Received {
  type: string;
  name?: string;
  sessionId: string;
  snapshot?: { value?: unknown };
}

Deno.test("main.ts serve --inspect, under its derived flags, streams the supervisor and the turret to an inspector on loopback and stops on SIGTERM", async () => {
  const received: Received[] = [];
  let wake: () => void = () => {};
  const inspectorServer = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      const { socket, response } = Deno.upgradeWebSocket(request);
      socket.onmessage = (message) => {
        received.push(JSON.parse(message.data));
        wake();
      };
      return response;
    },
  );
  const inspectUrl = `ws://127.0.0.1:${inspectorServer.addr.port}`;
  const dir = await Deno.makeTempDir();
  const config = await writeSimulatorConfig(dir, freePort());
  const [executable, ...args] = await derivedCommand("serve", config, [
    "--inspect",
    inspectUrl,
  ]);
  assert.ok(
    args.some((arg) =>
      arg.startsWith("--allow-net=") &&
      arg.includes(`127.0.0.1:${inspectorServer.addr.port}`)
    ),
    args.join(" "),
  );

  const child = new Deno.Command(executable, {
    args,
    cwd: REPO,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const actor = (name: string) =>
    received.find((event) =>
      event.type === "@xstate.actor" && event.name === name
    );
  const turretMoved = () =>
    received.some((event) =>
      event.type === "@xstate.snapshot" &&
      event.sessionId === actor("turret")?.sessionId &&
      event.snapshot?.value === "switching"
    );
  while (!(actor("supervisor") && actor("turret") && turretMoved())) {
    await new Promise<void>((resolve) => wake = resolve);
  }
  child.kill("SIGTERM");
  const status = await child.status;
  const stderr = await new Response(child.stderr).text();

  assert.equal(status.code, 0, stderr);
  assert.match(stderr, new RegExp(`inspector open: ${inspectUrl}`));
  assert.match(stderr, /Stopping/);
  await inspectorServer.shutdown();
  await Deno.remove(dir, { recursive: true });
});
