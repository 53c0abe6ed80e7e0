/** A restarted server adopts live sessions and removes what expired or died meanwhile. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { docker, newInstance, nodeContainer, removeInstance, resourcesOf, startServer } from "../support/server";
import { TestTerminal } from "../support/terminal-client";

test("a restarted server adopts live sessions and removes dead ones", async () => {
  const instance = newInstance();
  try {
    const first = await startServer({}, instance);
    const live = await first.readySession();
    const dead = await first.readySession();
    const t = await TestTerminal.open({ baseUrl: first.url, sessionId: live.id });
    await t.waitForPrompt();
    await first.exec(live.id, ["sh", "-c", "echo kept > /root/work.txt"]);
    await first.stop();
    // A node that died while no server was running is a leftover.
    await nodeContainer(instance, dead.id).stop({ t: 0 });
    // So is a network whose node is gone entirely.
    await docker.createNetwork({
      Name: `playground-${instance}-orphan`,
      Labels: { "playground.instance": instance, "playground.session": "z".repeat(24) },
    });

    const second = await startServer({}, instance);
    try {
      const res = await second.api(`/api/sessions/${live.id}`);
      assert.equal(res.status, 200);
      const view = await res.json();
      assert.equal(view.expiresAt, live.expiresAt, "the adopted session keeps its expiry");
      assert.equal(view.nodes[0].status, "ready");
      const file = await second.exec(live.id, ["cat", "/root/work.txt"]);
      assert.equal(file.stdout, "kept\n", "files survive a restart");
      const again = await TestTerminal.open({ baseUrl: second.url, sessionId: live.id });
      again.type("echo back-again\r");
      await again.waitFor("back-again");
      again.close();
      // The previous server's shell was ended (hung up: it may take a moment to go): only the new one is left.
      let shells = "";
      for (let i = 0; i < 50 && shells !== "main.pid\n1\n"; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 100));
        shells = (await second.exec(live.id, ["sh", "-c", "ls /run/playground/shells; pgrep -c -x bash"])).stdout;
      }
      assert.equal(shells, "main.pid\n1\n");

      assert.equal((await second.api(`/api/sessions/${dead.id}`)).status, 404);
      assert.deepEqual(await resourcesOf(instance, dead.id), { containers: [], volumes: [], networks: [] });
      assert.deepEqual(await resourcesOf(instance, "z".repeat(24)), { containers: [], volumes: [], networks: [] });
    } finally {
      await second.stop();
    }
  } finally {
    await removeInstance(instance);
  }
});
