/**
 * Attacks from a node on the host, with the default NODE_ISOLATION=userns:
 * root in a node is an unprivileged uid on the host, so what its
 * CAP_SYS_ADMIN would open on the host (tracing every host process, the
 * kernel's debug files, other processes' /proc, the kernel's settings, its
 * own cgroup limits) is refused or shows only the node itself. Each of these
 * succeeded from a node of the old runtime (NODE_ISOLATION=none).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { SessionView } from "../../lib/protocol";
import { docker, nodeContainer, startServer, type TestServer } from "../support/server";

const isolation = process.env.NODE_ISOLATION ?? "userns";

describe("a node in its own user namespace", { skip: isolation !== "userns" && "NODE_ISOLATION=none: nodes run as root of the host (the README's Security section)" }, () => {
  let server: TestServer;
  let s: SessionView;
  const sh = (script: string) => server.exec(s.id, ["bash", "-c", script]);

  before(async () => {
    server = await startServer();
    s = await server.readySession();
  });
  after(async () => {
    await server?.destroy();
  });

  test("/api/health says user namespaces are in force", async () => {
    const health = (await (await server.api("/api/health")).json()) as { isolation: { mode: string; ok: boolean } };
    assert.deepEqual(health.isolation, { mode: "userns", ok: true });
  });

  test("no process of the node is root on the host", async () => {
    // top is answered by the engine with the host's view: host uids.
    const top = (await nodeContainer(server.instance, s.id).top({ ps_args: "-o uid,pid,args" })) as { Processes: string[][] };
    assert.ok(top.Processes.length >= 3, JSON.stringify(top.Processes));
    for (const [uid, , args] of top.Processes) assert.notEqual(uid, "0", `${args} runs as root on the host`);
    // ... while inside, the node's own root is uid 0 with its capabilities.
    const inside = await sh("id -u; grep CapEff /proc/self/status");
    assert.match(inside.stdout, /^0\n/);
  });

  test("tracefs and debugfs cannot be mounted", async () => {
    for (const fs of ["tracefs", "debugfs"]) {
      const r = await sh(`mkdir -p /tmp/${fs} && mount -t ${fs} none /tmp/${fs} && ls /tmp/${fs} | head -n 3`);
      assert.notEqual(r.exitCode, 0, `${fs} mounted in a node: ${r.stdout}`);
    }
  });

  test("a program the host runs is not seen by a node tracing exec events", async () => {
    // A uniquely named program on the host, run again and again while the node traces.
    const dir = mkdtempSync(join(tmpdir(), "pg-trace-"));
    const name = `pgunique${process.pid}x${Date.now() % 100000}`;
    copyFileSync("/bin/true", join(dir, name));
    let running = true;
    const runs = (async () => {
      while (running) {
        await new Promise((resolve) => spawn(join(dir, name), { stdio: "ignore" }).on("close", resolve));
      }
    })();
    try {
      const r = await sh(
        [
          "set +e",
          "t=/tmp/trace; mkdir -p $t",
          "mount -t tracefs none $t 2>/dev/null || { [ -d /sys/kernel/tracing/events ] && t=/sys/kernel/tracing; }",
          "echo 1 > $t/events/sched/sched_process_exec/enable 2>/dev/null",
          "timeout 3 cat $t/trace_pipe 2>/dev/null",
          "echo 0 > $t/events/sched/sched_process_exec/enable 2>/dev/null",
          "true",
        ].join("\n"),
      );
      assert.doesNotMatch(r.stdout, new RegExp(name), "the node saw the host's exec events");
    } finally {
      running = false;
      await runs;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a proc mounted in the node shows the node's processes only", async () => {
    const marker = `${4000 + (process.pid % 1000)}.${Date.now() % 1000}`;
    const sleeper = spawn("sleep", [marker], { stdio: "ignore" });
    try {
      const r = await sh(`mkdir -p /tmp/proc2 && mount -t proc proc /tmp/proc2 && cat /tmp/proc2/*/cmdline | tr '\\0' ' '; umount /tmp/proc2`);
      assert.doesNotMatch(r.stdout, new RegExp(`sleep ${marker.replace(".", "\\.")}`), "the node sees the host's processes");
      // Neither does the node's own /proc, nor one of a new pid namespace.
      const own = await sh("cat /proc/*/cmdline | tr '\\0' ' '; unshare -pf --mount-proc sh -c 'cat /proc/*/cmdline' | tr '\\0' ' '");
      assert.doesNotMatch(own.stdout, new RegExp(`sleep ${marker.replace(".", "\\.")}`));
    } finally {
      sleeper.kill();
    }
  });

  test("the kernel's settings under /sys/kernel and /proc/sys cannot be written", async () => {
    // The current value written back: harmless if it were allowed.
    const r = await sh(
      [
        "set +e",
        // The node's own /sys (writable on the playground engine, for --privileged) and a sysfs of its own.
        "mkdir -p /tmp/sys && mount -t sysfs none /tmp/sys 2>/dev/null || true",
        "for s in /sys /tmp/sys; do",
        "  f=$s/kernel/mm/transparent_hugepage/enabled",
        "  [ -f $f ] || continue",
        "  v=$(sed -E 's/.*\\[([a-z]+)\\].*/\\1/' $f)",
        "  echo \"$v\" > $f && echo sys-written",
        "done",
        // (kernel.pid_max is no example: since Linux 6.14 it belongs to each pid namespace.)
        "cat /proc/sys/vm/swappiness > /proc/sys/vm/swappiness && echo proc-written",
        "true",
      ].join("\n"),
    );
    assert.doesNotMatch(r.stdout, /sys-written/, "a node wrote /sys/kernel");
    assert.doesNotMatch(r.stdout, /proc-written/, "a node wrote /proc/sys");
  });

  test("the node cannot raise its own memory, pids or CPU limits; its containers still get theirs", async () => {
    // Finite values, so that a failure of this test cannot take the host's last pids or memory.
    const r = await sh(
      [
        "set +e",
        "c=/sys/fs/cgroup",
        "if [ -f $c/cgroup.controllers ]; then",
        "  echo 2000 > $c/pids.max && echo pids-raised",
        "  echo 3221225472 > $c/memory.max && echo memory-raised",
        "  echo 'max 100000' > $c/cpu.max && echo cpu-raised",
        "else",
        "  echo 2000 > $c/pids/pids.max && echo pids-raised",
        "  echo 3221225472 > $c/memory/memory.limit_in_bytes && echo memory-raised",
        "  echo -1 > $c/cpu/cpu.cfs_quota_us && echo cpu-raised",
        "fi",
        "true",
      ].join("\n"),
    );
    assert.doesNotMatch(r.stdout, /raised/, `a node raised its own limits: ${r.stdout}`);
    const limited = await sh("docker run --rm --pids-limit 50 --memory 64m busybox sh -c 'cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max'");
    assert.equal(limited.exitCode, 0, limited.stderr);
    assert.equal(limited.stdout.trim(), "50");
  });

  test("the node runs on an engine that remaps user namespaces", async () => {
    const info = (await docker.info()) as { SecurityOptions?: string[] };
    assert.ok(info.SecurityOptions?.some((o) => o.includes("name=userns")), JSON.stringify(info.SecurityOptions));
  });
});
