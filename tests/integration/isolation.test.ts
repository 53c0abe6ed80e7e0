/**
 * What a sandbox must not reach, beyond its own session: the host's own
 * services (the playground's server listening on every address, here), link-
 * local metadata addresses, and host devices. The host firewall rules come
 * from sandbox/firewall.sh, which setup installs as root.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { createServer, type Server } from "node:net";
import { after, before, describe, test } from "node:test";
import type { SessionView } from "../../lib/protocol";
import { docker, startServer, type TestServer } from "../support/server";

/** The host firewall is installed by setup only as root (see the README's Security section). */
const notRoot = process.getuid?.() !== 0 ? "the host firewall needs root; setup warns when it cannot install it" : false;

describe("isolation from the host", () => {
  let server: TestServer;
  let s: SessionView;
  let gateway: string;
  let listener: Server;
  let hostPort: number;

  before(async () => {
    // The playground's server on every address, as in production (HOST=0.0.0.0).
    server = await startServer({ HOST: "0.0.0.0" });
    s = await server.readySession();
    const route = await server.exec(s.id, ["ip", "route", "show", "default"]);
    gateway = /via (\S+)/.exec(route.stdout)?.[1] ?? "";
    // Another host service on every address.
    listener = createServer((c) => c.end("host-secret\n")).listen(0, "0.0.0.0");
    await new Promise((r) => listener.once("listening", r));
    hostPort = (listener.address() as { port: number }).port;
  });
  after(async () => {
    listener?.close();
    await server?.destroy();
  });

  test("the session's bridge is named for the firewall (pg-...)", async () => {
    const networks = await docker.listNetworks({ filters: { label: [`playground.session=${s.id}`] } });
    const network = await docker.getNetwork(networks[0]!.Id).inspect();
    assert.equal(network.Options?.["com.docker.network.bridge.name"], `pg-${s.id.slice(0, 12)}`);
  });

  test("the host's services are out of reach through the gateway, while the host reaches the node", { skip: notRoot }, async () => {
    assert.match(gateway, /^\d+\.\d+\.\d+\.\d+$/);
    const port = new URL(server.url).port;
    const api = await server.exec(s.id, ["wget", "-q", "-T", "3", "-O-", `http://${gateway}:${port}/api/health`]);
    assert.notEqual(api.exitCode, 0, `a sandbox reached the playground's own server: ${api.stdout}`);
    const other = await server.exec(s.id, ["nc", "-w", "3", gateway, String(hostPort)]);
    assert.doesNotMatch(other.stdout, /host-secret/, "a sandbox reached another host service");
    // The other direction still works: the host opens connections to nodes (port proxy, Docker panel).
    const ip = ((await (await server.api(`/api/sessions/${s.id}/nodes/node1`)).json()) as { ip: string }).ip;
    const engine = await fetch(`http://${ip}:2375/version`);
    assert.equal(engine.status, 200);
  });

  test("cloud metadata addresses are out of reach", async () => {
    const r = await server.exec(s.id, ["wget", "-q", "-T", "2", "-O-", "http://169.254.169.254/latest/meta-data/"]);
    assert.notEqual(r.exitCode, 0);
  });

  test("no kernel modules: CAP_SYS_MODULE is outside the node's bounding set and its containers', --privileged ones included", async () => {
    const SYS_MODULE = 1n << 16n;
    const bounding = (status: string) => BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? "ffffffffffffffff"}`);
    const node = await server.exec(s.id, ["cat", "/proc/1/status"]);
    assert.equal(bounding(node.stdout) & SYS_MODULE, 0n, "the node itself could load a module");
    // Play with Docker's host was taken over from a privileged container loading a module. On the
    // playground engine --privileged starts in a node (its runtime gives the node a writable /sys)
    // and gets no more than the node's user namespace holds: no module, no block device. With
    // NODE_ISOLATION=none it cannot start at all (the device cgroup cannot be widened). A container
    // asking for every capability still lacks this one.
    const health = (await (await server.api("/api/health")).json()) as { isolation?: { mode?: string } };
    const privileged = await server.exec(s.id, [
      "docker", "run", "--rm", "--privileged", "busybox", "sh", "-c",
      "cat /proc/self/status; insmod /none.ko; echo insmod=$?; mknod /tmp/sda b 8 0; echo mknod=$?; echo blocks=$(find /dev -type b | wc -l)",
    ]);
    if (health.isolation?.mode === "userns") {
      assert.equal(privileged.exitCode, 0, privileged.stderr);
      assert.equal(bounding(privileged.stdout) & SYS_MODULE, 0n, "a privileged container in the node could load a module");
      assert.match(privileged.stdout, /insmod=[1-9]/);
      assert.match(privileged.stdout, /mknod=[1-9]/);
      assert.match(privileged.stdout, /blocks=0/);
    } else {
      assert.notEqual(privileged.exitCode, 0, "--privileged started in a node without user namespaces");
    }
    const inner = await server.exec(s.id, ["docker", "run", "--rm", "--cap-add", "ALL", "busybox", "sh", "-c", "cat /proc/self/status; insmod /none.ko; echo status=$?"]);
    assert.equal(inner.exitCode, 0, inner.stderr);
    assert.equal(bounding(inner.stdout) & SYS_MODULE, 0n, "a container in the node could load a module");
    assert.match(inner.stdout + inner.stderr, /status=[1-9]/);
  });

  test("filesystems a node shares with the host cannot be reconfigured or frozen; the kernel's log stays closed", async () => {
    // Files the engine bind-mounts into a node (/etc/hosts, volumes) sit on the host's filesystems:
    // a plain remount there would make the host's disk read-only. It is tried on the node's own disk,
    // a filesystem of its own, so that a failure of this test cannot harm the host.
    const source = await server.exec(s.id, ["findmnt", "-n", "-o", "SOURCE", "/var/lib/docker"]);
    // On the playground engine the node sees the disk's docker/ folder there (sandbox/engine-runc.sh).
    assert.match(source.stdout.trim(), /^\/dev\/loop\d+(\[\/docker\])?$/, "the node's disk is not a filesystem of its own (NODE_DISK_GB=0?)");
    const tries = [
      "mount -o remount,ro /var/lib/docker; echo remount=$?",
      // fspick(2) (433 on x86_64, the same on arm64) opens a filesystem for reconfiguration.
      `perl -e 'my $p = "/var/lib/docker"; my $r = syscall(433, -100, $p, 0); print "fspick=", ($r < 0 ? "refused" : "opened"), "\\n"'`,
      "fsfreeze --freeze /var/lib/docker; echo freeze=$?; fsfreeze --unfreeze /var/lib/docker 2>/dev/null",
      "dmesg >/dev/null; echo dmesg=$?",
      "touch /var/lib/docker/still-writable; echo write=$?",
    ];
    const r = await server.exec(s.id, ["sh", "-c", tries.join("; ")]);
    assert.match(r.stdout, /remount=[1-9]/, r.stderr);
    assert.match(r.stdout, /fspick=refused/);
    assert.match(r.stdout, /freeze=[1-9]/);
    assert.match(r.stdout, /dmesg=[1-9]/);
    assert.match(r.stdout, /write=0/, "the node's disk went read-only");
    // A bind remount changes only the node's view, as runc does for read-only mounts: it still works.
    const bind = await server.exec(s.id, [
      "sh", "-c",
      "mkdir -p /mnt/view && mount --bind /tmp /mnt/view && mount -o remount,bind,ro /mnt/view && mount -o remount,bind,rw /mnt/view && echo bind-ok",
    ]);
    assert.equal(bind.stdout.trim(), "bind-ok", bind.stderr);
    // A container in the node that asks for everything is held by the node's rules too.
    const inner = await server.exec(s.id, [
      "docker", "run", "--rm", "--cap-add", "SYS_ADMIN", "--security-opt", "seccomp=unconfined", "busybox",
      "sh", "-c", "mount -o remount,ro /etc/hosts; echo remount=$?",
    ]);
    assert.match(inner.stdout, /remount=[1-9]/, inner.stderr);
  });

  test("no host devices: no block devices, no /dev/mem or /dev/kmsg", async () => {
    const r = await server.exec(s.id, ["sh", "-c", "find /dev -type b; ls /dev/mem /dev/kmsg /dev/port 2>/dev/null; true"]);
    assert.equal(r.stdout.trim(), "");
  });
});

describe("the firewall script", () => {
  const iptables = (chain: string) => execFileSync("iptables", ["-S", chain]).toString();

  test("EGRESS=off drops everything that leaves the session networks; on (the default) lets it out", { skip: notRoot }, () => {
    const script = join(__dirname, "..", "..", "sandbox", "firewall.sh");
    try {
      execFileSync("bash", [script], { env: { ...process.env, EGRESS: "off" } });
      assert.match(iptables("PLAYGROUND-FORWARD"), /! -o pg-\+ -j DROP/);
      assert.match(iptables("DOCKER-USER"), /-i pg-\+ -j PLAYGROUND-FORWARD/);
    } finally {
      execFileSync("bash", [script], { env: { ...process.env, EGRESS: "on" } });
    }
    assert.doesNotMatch(iptables("PLAYGROUND-FORWARD"), /! -o pg-\+/);
    assert.match(iptables("PLAYGROUND-FORWARD"), /169\.254\.0\.0\/16 -j DROP/);
    assert.throws(() => execFileSync("bash", [script], { env: { ...process.env, EGRESS: "maybe" }, stdio: "pipe" }));
    execFileSync("bash", [script]);
  });
});
