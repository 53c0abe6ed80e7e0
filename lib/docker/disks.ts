/**
 * Disk quotas for nodes. Each node's engine keeps its data (/var/lib/docker)
 * on an ext4 filesystem of NODE_DISK_GB: a sparse file formatted as ext4,
 * attached to a loop device, and mounted by the host's engine as the node's
 * volume (the local driver, type ext4, device /dev/loopN). When it is full,
 * Docker inside the node says "no space left on device", and nothing else
 * notices. `--storage-opt size` is no help: it needs XFS with project quotas
 * under the host's engine, and it limits a container's own layer, not volumes.
 *
 * Loop devices are made and removed by a small container of each instance,
 * the disk keeper, through `docker exec`: the server itself needs no root and
 * no access to the host beyond the engine. The keeper has no network and
 * no capability but MKNOD; it may use /dev/loop-control and loop devices
 * (block major 7). Nodes never get either: they only see the mounted
 * filesystem, never a block device. The images live in the keeper's volume.
 */
import type Docker from "dockerode";
import type { ExecResult } from "../protocol";
import { NodeNotReadyError } from "../sessions/errors";
import { LABEL, diskName, disksName } from "./names";

/** Mount options of a node's disk: no background zeroing of inode tables; deleted files give their space back to the host. */
export const DISK_MOUNT_OPTIONS = "noinit_itable,discard";

/** Block devices of this major number are loop devices (Linux's LOOP_MAJOR). */
const LOOP_MAJOR = 7;

/**
 * What the keeper runs: `create NAME BYTES UID:GID` prints the loop device of a new
 * disk; `remove PATTERN...` detaches and deletes disks (a pattern may end in
 * *); `list` prints the names. A disk still mounted is detached by the kernel
 * once unmounted.
 */
export const DISK_SCRIPT = `
set -eu
shopt -s nullglob
# The keeper's /dev is its own: make nodes for the loop devices the kernel has.
nodes() {
  local d n
  for d in /sys/block/loop*; do
    n=/dev/\${d##*/}
    [ -e "$d/dev" ] && [ ! -b "$n" ] || continue
    mknod "$n" b $(tr : ' ' < "$d/dev") 2>/dev/null || true
  done
}
remove() {
  local img dev
  nodes
  for img in "$@"; do
    [ -e "$img" ] || continue
    for dev in $(losetup --list --noheadings --output NAME --associated "$img"); do losetup --detach "$dev"; done
    rm -f "$img"
  done
}
cmd=$1
shift
case $cmd in
  create)
    img=/disks/$1.img
    remove "$img"
    truncate -s "$2" "$img"
    # A fresh sparse file reads as zeros: nothing needs zeroing now or later.
    # Its root belongs to the node's root: uid 0, or the first uid of a remapped range.
    mkfs.ext4 -q -F -m 0 -E "lazy_itable_init=1,lazy_journal_init=1,nodiscard,root_owner=$3" "$img"
    for _ in $(seq 50); do
      nodes
      # A concurrent create may take the free device first: try again.
      if dev=$(losetup --find --show "$img" 2>&1); then
        echo "$dev"
        exit 0
      fi
      sleep 0.1
    done
    echo "$dev" >&2
    exit 1
    ;;
  remove)
    for p in "$@"; do remove /disks/$p.img; done
    ;;
  list)
    for img in /disks/*.img; do
      img=\${img##*/}
      echo "\${img%.img}"
    done
    ;;
esac
`;

const statusOf = (e: unknown) => (e as { statusCode?: number }).statusCode;
/** Disk names, and patterns of them: what reaches the script is checked first. */
const PATTERN = /^[a-z0-9]+-(node[0-9]+|\*)$/;

export interface DiskKeeperOptions {
  instance: string;
  /** The keeper runs the sandbox image, which has mkfs.ext4 and losetup. */
  image: string;
}

/** Runs argv in the keeper's container. */
export type KeeperExec = (container: Docker.Container, cmd: string[], timeoutMs: number) => Promise<ExecResult>;

export class DiskKeeper {
  private ready?: Promise<void>;

  constructor(
    private readonly docker: Docker,
    private readonly opts: DiskKeeperOptions,
    private readonly exec: KeeperExec,
  ) {}

  private get name(): string {
    return disksName(this.opts.instance);
  }

  /** Makes a disk of `bytes`; resolves to its loop device, for the node's volume. */
  async create(sessionId: string, node: string, bytes: number, owner = "0:0"): Promise<string> {
    if (!/^\d+:\d+$/.test(owner)) throw new Error(`bad owner: ${owner}`);
    const out = await this.run(["create", diskName(sessionId, node), String(Math.floor(bytes)), owner], 60_000);
    const device = out.trim();
    if (!/^\/dev\/loop[0-9]+$/.test(device)) throw new Error(`the disk keeper answered ${JSON.stringify(out)}, not a loop device`);
    return device;
  }

  /** Detaches and deletes disks: a node's, or with node "*" all of a session's. Idempotent. */
  async remove(sessionId: string, node: string): Promise<void> {
    if (!(await this.exists())) return;
    await this.run(["remove", node === "*" ? `${sessionId}-*` : diskName(sessionId, node)], 30_000);
  }

  /** Sessions that own a disk. */
  async sessions(): Promise<string[]> {
    if (!(await this.exists())) return [];
    const names = (await this.run(["list"], 30_000)).split("\n").filter(Boolean);
    return [...new Set(names.map((n) => n.split("-")[0]!))];
  }

  /** Whether disks may exist: the keeper's volume is there (made with the first disk). */
  private async exists(): Promise<boolean> {
    if (this.ready) return true;
    try {
      await this.docker.getVolume(this.name).inspect();
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw e;
    }
  }

  private async run(args: string[], timeoutMs: number): Promise<string> {
    if (args[1] !== undefined && !PATTERN.test(args[1])) throw new Error(`bad disk name: ${args[1]}`);
    const cmd = ["bash", "-c", DISK_SCRIPT, "playground-disk", ...args];
    let r: ExecResult;
    try {
      await this.ensure();
      r = await this.exec(this.docker.getContainer(this.name), cmd, timeoutMs);
    } catch (e) {
      // The keeper may have been removed or stopped since: make it again, once.
      if (!(e instanceof NodeNotReadyError)) throw e;
      this.ready = undefined;
      await this.ensure();
      r = await this.exec(this.docker.getContainer(this.name), cmd, timeoutMs);
    }
    if (r.exitCode !== 0) {
      throw new Error(
        `the disk keeper failed (${args[0]}): ${(r.stderr || r.stdout).trim()}; NODE_DISK_GB=0 turns disk quotas off`,
      );
    }
    return r.stdout;
  }

  private ensure(): Promise<void> {
    this.ready ??= this.start().catch((e: unknown) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  /** Creates and starts the keeper unless it runs already. */
  private async start(): Promise<void> {
    const container = this.docker.getContainer(this.name);
    const info = await container.inspect().catch((e: unknown) => {
      if (statusOf(e) !== 404) throw e;
      return undefined;
    });
    if (info?.State.Running) return;
    if (!info) {
      const Labels = { [LABEL.instance]: this.opts.instance, [LABEL.role]: "disks" };
      await this.docker.createVolume({ Name: this.name, Labels });
      await this.docker
        .createContainer({
          name: this.name,
          Image: this.opts.image,
          Entrypoint: ["/usr/bin/tini", "--", "sleep", "infinity"],
          Cmd: [],
          Labels,
          HostConfig: {
            CapDrop: ["ALL"],
            // DAC_OVERRIDE: on an engine that remaps user namespaces, its volume belongs to the remapped root.
            CapAdd: ["MKNOD", "DAC_OVERRIDE"],
            // The host's user namespace even on such an engine: loop devices and mknod need it.
            UsernsMode: "host",
            SecurityOpt: ["no-new-privileges"],
            ReadonlyRootfs: true,
            NetworkMode: "none",
            Devices: [{ PathOnHost: "/dev/loop-control", PathInContainer: "/dev/loop-control", CgroupPermissions: "rw" }],
            DeviceCgroupRules: [`b ${LOOP_MAJOR}:* rwm`],
            Mounts: [{ Type: "volume", Source: this.name, Target: "/disks" }],
            Memory: 256 * 1024 * 1024,
            PidsLimit: 100,
            RestartPolicy: { Name: "unless-stopped" },
            LogConfig: { Type: "json-file", Config: { "max-size": "1m", "max-file": "1" } },
          },
        })
        .catch((e: unknown) => {
          if (statusOf(e) !== 409) throw e; // made meanwhile by a concurrent call
        });
    }
    await container.start().catch((e: unknown) => {
      if (statusOf(e) !== 304) throw e; // already started
    });
  }
}
