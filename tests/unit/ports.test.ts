import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { containerPorts, listeningPort, parseSnapshot } from "../../lib/ports/parse";
import { parsePortHost, parsePortPath, portUrl } from "../../lib/ports/urls";

const ID = "abcdefghijklmnopqrstuvwx";

describe("published ports", () => {
  test("listening sockets: reachable addresses count, loopback does not", () => {
    assert.equal(listeningPort("00000000:1F90"), 8080); // 0.0.0.0
    assert.equal(listeningPort("0300A8C0:0050"), 80); // 192.168.0.3
    assert.equal(listeningPort("0100007F:1F90"), undefined); // 127.0.0.1
    assert.equal(listeningPort("0100007F:0035".replace("01", "0B")), undefined, "all of 127/8");
    assert.equal(listeningPort("00000000000000000000000000000000:2328"), 9000); // ::
    assert.equal(listeningPort("00000000000000000000000001000000:2328"), undefined); // ::1
    assert.equal(listeningPort("0000000000000000FFFF00000100007F:2328"), undefined); // ::ffff:127.0.0.1
    assert.equal(listeningPort("3535FEA9:0035"), undefined, "169.254.53.53, the node's resolver for inner containers");
    assert.equal(listeningPort("0000000000000000FFFF00003535FEA9:0035"), undefined, "the same, as IPv4 in IPv6");
    assert.equal(listeningPort("garbage"), undefined);
  });

  test("container ports: host side of TCP mappings, ranges, no UDP", () => {
    assert.deepEqual(containerPorts("0.0.0.0:8080->80/tcp, :::8080->80/tcp"), [8080]);
    assert.deepEqual(containerPorts("0.0.0.0:5000-5002->5000-5002/tcp"), [5000, 5001, 5002]);
    assert.deepEqual(containerPorts("0.0.0.0:53->53/udp, 80/tcp"), []);
    assert.deepEqual(containerPorts(""), []);
  });

  test("a snapshot merges both, names containers, and hides the node's own services", () => {
    const text = ["L", "00000000:1F90", "00000000:0947", "00000000:2328", "0100007F:0BB8", "00000000:0949", "C", "web\t0.0.0.0:8080->80/tcp"].join("\n");
    assert.deepEqual(parseSnapshot(text), [
      { port: 8080, source: "container", container: "web" },
      { port: 9000, source: "process" },
    ]);
    assert.deepEqual(parseSnapshot("L\nC\n"), []);
  });

  test("host names and paths of ports, and links for both kinds of page", () => {
    assert.deepEqual(parsePortHost(`8080-node2-${ID}.localhost:3000`, "localhost"), { port: 8080, node: "node2", id: ID });
    assert.deepEqual(parsePortHost(`80-node1-${ID}.play.example.org`, "play.example.org"), { port: 80, node: "node1", id: ID });
    for (const bad of [`localhost:3000`, `0-node1-${ID}.localhost`, `70000-node1-${ID}.localhost`, `8080-node1-${ID}.evil.com`, `8080-nodeX-${ID}.localhost`, undefined]) {
      assert.equal(parsePortHost(bad, "localhost"), undefined, String(bad));
    }
    assert.deepEqual(parsePortPath(`/ports/${ID}/node1/8080/a/b`), { id: ID, node: "node1", port: 8080, rest: "/a/b" });
    assert.deepEqual(parsePortPath(`/ports/${ID}/node1/8080`), { id: ID, node: "node1", port: 8080, rest: undefined });
    assert.equal(parsePortPath(`/ports/${ID}/node1/99999/`), undefined);

    const a = { id: ID, node: "node1", port: 8080 };
    assert.equal(portUrl(a, "localhost:3000", "http:", "localhost"), `http://8080-node1-${ID}.localhost:3000/`);
    assert.equal(portUrl(a, "play.example.org", "https:", "play.example.org"), `https://8080-node1-${ID}.play.example.org/`);
    assert.equal(portUrl(a, "192.168.1.10:3000", "http:", "localhost"), `/ports/${ID}/node1/8080/`, "no wildcard DNS: a path");
  });
});
