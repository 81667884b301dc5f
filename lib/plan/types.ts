import type { PlanAttrs } from './attrs';
// The LaunchPlan is plain data that says exactly what the native child does,
// with every flag already computed. The addon copies it into C memory before
// clone() and decides only what follows from the kernel: the order of its
// steps, the PATH search, tolerated keyring errors (docs/DESIGN.md, "Where
// decisions are made").

import type { SeccompPlan } from '../seccomp/plan';

/** clone/unshare flag bits, as the kernel numbers them */
export const NS_FLAGS = {
  mount: 0x00020000,
  cgroup: 0x02000000,
  uts: 0x04000000,
  ipc: 0x08000000,
  user: 0x10000000,
  pid: 0x20000000,
  network: 0x40000000,
  time: 0x00000080,
} as const;
export type NamespaceType = keyof typeof NS_FLAGS;

/** the file of each namespace under /proc/<pid>/ns */
export const NS_PROC_FILE: Record<NamespaceType, string> = {
  pid: 'pid',
  network: 'net',
  mount: 'mnt',
  ipc: 'ipc',
  uts: 'uts',
  user: 'user',
  cgroup: 'cgroup',
  time: 'time',
};

export interface NsJoin {
  type: NamespaceType;
  /** the CLONE_NEW* bit, given to setns() as nstype so the kernel checks the file */
  flag: number;
  path: string;
}

export interface PlanMount {
  /** absolute path inside the container; the child resolves it under the rootfs */
  destination: string;
  source: string;
  /** "" for bind mounts */
  fstype: string;
  /** MS_* flags for the first mount(2) */
  flags: number;
  /** filesystem-specific options joined by "," */
  data: string;
  /** MS_SHARED/MS_PRIVATE/MS_SLAVE/MS_UNBINDABLE (|MS_REC), applied after, 0 for none */
  propagation: number;
  /** bind mounts need a second mount(2) with MS_REMOUNT to apply ro/nosuid/... */
  remountFlags: number;
  /** the destination is created as a file (bind of a non-directory) rather than a dir */
  isFile: boolean;
  /** MOUNT_ATTR_* set and cleared on the whole tree with mount_setattr(AT_RECURSIVE) */
  recAttrSet: number;
  recAttrClear: number;
  /** idmapped bind mount: uid_map/gid_map text of the user namespace the ids go through, "" for none */
  idmapUid: string;
  idmapGid: string;
  /** "ridmap": the idmapping covers every mount of an rbind, not only the top one */
  idmapRecursive: boolean;
  /** tmpfs "tmpcopyup": the new tmpfs gets a copy of the directory it covers */
  tmpcopyup: boolean;
  /**
   * a bind mount of a container with a user namespace: the runtime opens the
   * source in the container's mount namespace before the mounts, as runc
   * does (the container's root may not be able to reach it)
   */
  openSource: boolean;
}

export interface PlanDeviceLink {
  target: string;
  /** path inside the container */
  path: string;
}

export interface PlanDevice {
  /** path inside the container */
  path: string;
  /** S_IFCHR/S_IFBLK/S_IFIFO | permission bits, for mknod */
  mode: number;
  major: number;
  minor: number;
  uid: number;
  gid: number;
  /** bind-mount the host node at the same path instead of mknod (user namespaces) */
  bind: boolean;
}

export interface PlanSysctl {
  /** e.g. "net/ipv4/ip_forward" */
  path: string;
  value: string;
}

export interface PlanRlimit {
  resource: number;
  soft: bigint;
  hard: bigint;
}

/**
 * The plan in four sections, as the child uses them (addon/src/plan.c reads
 * each through one table: a new field is one line here and one row there).
 * exec has no rootfs section: it joins the container's root.
 */
export interface LaunchPlan {
  namespaces: NamespacesPlan;
  /** null for exec: nothing of the container is set up again */
  rootfs: RootfsPlan | null;
  process: ProcessPlan;
  sync: SyncPlan;
}

/** What the child makes or joins before anything else (stage 1). */
export interface NamespacesPlan {
  /** new namespaces: OR of NS_FLAGS */
  cloneFlags: number;
  /** namespaces to join, user first */
  joins: NsJoin[];
  /** a cgroup namespace the init joins itself after its cgroup placement, "" for none (lib/plan/joins.ts) */
  cgroupAfterPlacement: string;
  /** written by the parent to /proc/<pid>/{uid,gid}_map when a new user ns is made */
  uidMap: string;
  gidMap: string;
  /** "deny" or "" (left alone) */
  setgroups: string;
  /** rootless: newuidmap/newgidmap writes the map, "" to write it directly */
  uidMapTool: string;
  gidMapTool: string;
  /** rootless: stage 1 dumpable while its maps are written (its /proc files are root's otherwise) */
  dumpableForMaps: boolean;
  /** of the new uts namespace; "" to leave (always, for exec) */
  hostname: string;
  domainname: string;
}

/** The container's root file system, set up by the init before its pivot. */
export interface RootfsPlan {
  /** absolute host path of the rootfs */
  path: string;
  /**
   * MS_* propagation for "/" before anything is mounted: MS_REC|MS_SLAVE, or
   * MS_REC|MS_PRIVATE when linux.rootfsPropagation is (r)private, so no mount
   * the container makes reaches the host
   */
  rootPropagation: number;
  /** rootfsPropagation (shared, unbindable) for the new root after the pivot, 0 to leave */
  rootfsPropagation: number;
  readonlyRoot: boolean;
  noPivot: boolean;
  mounts: PlanMount[];
  /** symlinks made in /dev after mounts (e.g. /dev/fd -> /proc/self/fd) */
  devLinks: PlanDeviceLink[];
  /** device nodes made under the rootfs after mounts */
  devices: PlanDevice[];
  /** written under /proc/sys of the container (path relative to /proc/sys) */
  sysctls: PlanSysctl[];
  /** bound read-only onto themselves, after sysctls; missing ones are skipped */
  readonlyPaths: string[];
  /** /dev/null over files, a read-only tmpfs over directories; missing ones are skipped */
  maskedPaths: string[];
}

/** The process the init (or exec's child) becomes. */
export interface ProcessPlan {
  rlimits: PlanRlimit[];
  /** a new session keyring of this name for the container (exec joins the container's by name; "" for none: --no-new-keyring) */
  sessionKeyring: string;
  /** exec into a container without a mount namespace: the root to chroot to ("" otherwise) */
  chroot: string;
  /** process.terminal: the init makes a pty, its slave is stdio, the master goes to sync.consoleSocket */
  terminal: boolean;
  /** process.consoleSize; 0 to leave */
  consoleHeight: number;
  consoleWidth: number;

  uid: number;
  gid: number;
  additionalGids: number[];
  /** -1 to leave */
  umask: number;
  /** capability sets as 64-bit masks */
  capBounding: bigint;
  capEffective: bigint;
  capPermitted: bigint;
  capInheritable: bigint;
  capAmbient: bigint;
  /** highest capability number the kernel knows */
  lastCap: number;
  noNewPrivileges: boolean;
  /** -1001 to leave */
  oomScoreAdj: number;

  cwd: string;
  args: string[];
  env: string[];
  /** the PATH used to find args[0] when it has no slash */
  searchPath: string;
  /** process.apparmorProfile as "exec <profile>", written by the sealed exec helper to /proc/thread-self/attr/<execLabelAttr> just before the program's execve; "" for none (lib/plan/lsm.ts) */
  execLabel: string;
  execLabelAttr: string;
  /** fds 3..3+preserveFds-1 stay open in the container */
  preserveFds: number;
  attrs: PlanAttrs;
  /** linux.seccomp (lib/seccomp/plan.ts); null for no filter */
  seccomp: SeccompPlan | null;
}

/** What the parent and the child do together during the spawn. */
export interface SyncPlan {
  /** v1 `tasks` files the init writes "0" into itself (lib/cgroups/join.ts) */
  cgroupTasks: string[];
  /** the v2 cgroup directory stage 1 clones the init into; "" for none */
  cgroupInto: string;
  /** cgroup.procs files the parent writes the init's pid into (a v2 cgroup stage 1 cannot clone into) */
  cgroupProcs: string[];
  /** exec fifo, opened by the parent before clone; "" for none */
  fifoPath: string;
  /** the init stops before the pivot for prestart/createRuntime/createContainer hooks */
  pauseForHooks: boolean;
  /** unix socket path to send a pty master to; "" = hand it back to the caller (foreground run) */
  consoleSocket: string;
  /**
   * startContainer hooks, run by the init once `start` has released it (the
   * state JSON comes through the exec fifo) and before the process's execve;
   * [] for none
   */
  startHooks: PlanHook[];
  /** the fifo the init reports the hooks' outcome on, opened by the parent before clone; "" with no hooks */
  hooksFifoPath: string;
  /** the longest state JSON start writes for the hooks (their stdin); 0 with no hooks */
  stateMaxBytes: number;
}

/** One startContainer hook, as the init runs it (through the sealed exec helper). */
export interface PlanHook {
  /** absolute, resolved in the container's root */
  path: string;
  /** argv, argv[0] included */
  args: string[];
  env: string[];
  /** seconds; 0 for none. Past it the init SIGKILLs the hook and start fails */
  timeout: number;
}

/** What the addon reports when a step fails, in the child or the parent. */
export interface NativeFailure {
  step: string;
  path: string;
  errno: number;
  /** strerror text, lower-cased as Go prints it ("no such file or directory") */
  message: string;
}
