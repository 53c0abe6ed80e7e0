/**
 * The seccomp profile of nodes. A node needs CAP_SYS_ADMIN for its inner
 * engine (mounts, namespaces, cgroups), and that capability, held in the
 * host's user namespace, reaches things shared with the host. This profile
 * allows every system call except those, so that Docker inside works as on
 * a laptop while a learner cannot:
 *
 * - make a host filesystem read-only, or change its options: the files the
 *   engine bind-mounts into a node (/etc/hosts, /etc/resolv.conf, volumes)
 *   live on the host's filesystem, and `mount -o remount,ro /etc/hosts`
 *   reconfigures that filesystem, not the node's view of it. Remounts that
 *   only change one mount (`remount,bind,ro`, which runc uses) still work;
 *   fspick(2), the new API's way to reconfigure, is refused.
 * - freeze a host filesystem (FIFREEZE), which would hang the host;
 * - read or clear the host kernel's log, use host quotas, open files by
 *   handle, trace the kernel (perf events, and BPF where the inner engine
 *   does not need it), add swap, watch whole host filesystems (fanotify),
 *   use the kernel's keyrings (not namespaced), io_uring or userfaultfd
 *   (frequent kernel attack surface), or load a new kernel.
 *
 * Kernel modules need CAP_SYS_MODULE, which nodes never have. What this does
 * not stop is listed in the README's security section.
 */

/** mount(2) flags (linux/mount.h). */
const MS_REMOUNT = 0x20;
const MS_BIND = 0x1000;
/** _IOWR('X', 119, int) and _IOWR('X', 120, int) (linux/fs.h). */
const FIFREEZE = 0xc0045877;
const FITHAW = 0xc0045878;
/** ioctl's request is an int: compare only its low 32 bits, whatever a caller puts above. */
const LOW_32_BITS = 0xffffffff;
const EPERM = 1;
/**
 * "Not implemented": what programs expect of a kernel without a feature,
 * and fall back from. runc, for one, goes on without a session keyring.
 */
const ENOSYS = 38;

interface SyscallRule {
  names: string[];
  action: "SCMP_ACT_ERRNO";
  errnoRet: number;
  args?: { index: number; value: number; valueTwo: number; op: "SCMP_CMP_MASKED_EQ" }[];
}

export interface SeccompProfile {
  defaultAction: "SCMP_ACT_ALLOW";
  archMap: { architecture: string; subArchitectures: string[] }[];
  syscalls: SyscallRule[];
}

const refuse = (names: string[], args?: SyscallRule["args"], errnoRet = EPERM): SyscallRule => ({
  names,
  action: "SCMP_ACT_ERRNO",
  errnoRet,
  ...(args ? { args } : {}),
});

/** Refuses an ioctl request; arg 1 is the request. */
const refuseIoctl = (request: number) => refuse(["ioctl"], [{ index: 1, value: LOW_32_BITS, valueTwo: request, op: "SCMP_CMP_MASKED_EQ" }]);

/**
 * The profile for the engine's `--security-opt seccomp=`. `cgroupVersion`
 * is the host's: on cgroup v2 the inner runc attaches BPF programs to
 * control devices, so BPF stays allowed there.
 */
export function nodeSeccompProfile(cgroupVersion: "1" | "2"): SeccompProfile {
  return {
    defaultAction: "SCMP_ACT_ALLOW",
    // 32-bit system calls get the same rules: the filter covers every ABI a node's CPU runs.
    archMap: [
      { architecture: "SCMP_ARCH_X86_64", subArchitectures: ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] },
      { architecture: "SCMP_ARCH_AARCH64", subArchitectures: ["SCMP_ARCH_ARM"] },
    ],
    syscalls: [
      // A remount that is not a bind remount reconfigures the filesystem itself.
      refuse(["mount"], [{ index: 3, value: MS_REMOUNT | MS_BIND, valueTwo: MS_REMOUNT, op: "SCMP_CMP_MASKED_EQ" }]),
      refuse(["fspick"]),
      refuseIoctl(FIFREEZE),
      refuseIoctl(FITHAW),
      refuse(["syslog", "quotactl", "quotactl_fd", "open_by_handle_at", "swapon", "swapoff", "kexec_load", "kexec_file_load", "acct"]),
      refuse(
        [
          "perf_event_open",
          "fanotify_init",
          "add_key",
          "keyctl",
          "request_key",
          "io_uring_setup",
          "io_uring_enter",
          "io_uring_register",
          "userfaultfd",
          "lookup_dcookie",
          ...(cgroupVersion === "1" ? ["bpf"] : []),
        ],
        undefined,
        ENOSYS,
      ),
    ],
  };
}
