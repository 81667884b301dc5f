// TypeScript types of config.json (OCI runtime-spec v1.3.0), matching what
// lib/config/schema.ts accepts: every property the spec marks OPTIONAL is
// optional here, REQUIRED ones are not. Field names are the spec's.
//
// Numbers: JSON numbers are parsed as JS numbers; int64/uint64 values above
// 2^53 lose precision (e.g. a hugepage limit of 2^63-1 reads as 2^63).

import type {
  CAPABILITIES,
  IOPRIO_CLASSES,
  MEMORY_POLICY_FLAGS,
  MEMORY_POLICY_MODES,
  NAMESPACE_TYPES,
  PERSONALITY_DOMAINS,
  RLIMITS,
  ROOTFS_PROPAGATIONS,
  SCHED_FLAGS,
  SCHED_POLICIES,
  SECCOMP_ACTIONS,
  SECCOMP_ARCHES,
  SECCOMP_FLAGS,
  SECCOMP_OPERATORS,
  TIME_OFFSET_CLOCKS,
} from './schema';

export type Capability = (typeof CAPABILITIES)[number];
export type RlimitType = (typeof RLIMITS)[number];
export type NamespaceType = (typeof NAMESPACE_TYPES)[number];
export type SeccompAction = (typeof SECCOMP_ACTIONS)[number];
export type SeccompArch = (typeof SECCOMP_ARCHES)[number];
export type SeccompFlag = (typeof SECCOMP_FLAGS)[number];
export type SeccompOperator = (typeof SECCOMP_OPERATORS)[number];
export type RootfsPropagation = (typeof ROOTFS_PROPAGATIONS)[number];
export type SchedulerPolicy = (typeof SCHED_POLICIES)[number];
export type SchedulerFlag = (typeof SCHED_FLAGS)[number];
export type IOPriorityClass = (typeof IOPRIO_CLASSES)[number];
export type MemoryPolicyMode = (typeof MEMORY_POLICY_MODES)[number];
export type MemoryPolicyFlag = (typeof MEMORY_POLICY_FLAGS)[number];
export type PersonalityDomain = (typeof PERSONALITY_DOMAINS)[number];
export type TimeOffsetClock = (typeof TIME_OFFSET_CLOCKS)[number];

/** The whole config.json. */
export interface Spec {
  ociVersion: string;
  /** REQUIRED on Linux (schema enforces it). */
  root: Root;
  mounts?: Mount[];
  process?: Process;
  hostname?: string;
  domainname?: string;
  hooks?: Hooks;
  annotations?: Record<string, string>;
  linux?: Linux;
  /** Other platforms: shape (object) checked only. */
  solaris?: Record<string, unknown>;
  windows?: Record<string, unknown>;
  vm?: Record<string, unknown>;
  zos?: Record<string, unknown>;
  freebsd?: Record<string, unknown>;
}

export interface Root {
  /** Absolute, or relative to the bundle directory. */
  path: string;
  readonly?: boolean;
}

export interface IDMapping {
  containerID: number;
  hostID: number;
  size: number;
}

export interface Mount {
  /** Absolute path inside the container (runts refuses relative ones). */
  destination: string;
  source?: string;
  options?: string[];
  type?: string;
  /** Present together with gidMappings or not at all. */
  uidMappings?: IDMapping[];
  gidMappings?: IDMapping[];
}

export interface ConsoleSize {
  height: number;
  width: number;
}

export interface User {
  uid: number;
  gid: number;
  umask?: number;
  additionalGids?: number[];
  /** Windows only. */
  username?: string;
}

export interface Capabilities {
  bounding?: Capability[];
  effective?: Capability[];
  inheritable?: Capability[];
  permitted?: Capability[];
  ambient?: Capability[];
}

export interface Rlimit {
  type: RlimitType;
  soft: number;
  hard: number;
}

export interface Scheduler {
  policy: SchedulerPolicy;
  nice?: number;
  priority?: number;
  flags?: SchedulerFlag[];
  runtime?: number;
  deadline?: number;
  period?: number;
}

export interface IOPriority {
  class: IOPriorityClass;
  /** 0 (highest) to 7 (lowest). */
  priority: number;
}

export interface ExecCPUAffinity {
  initial?: string;
  final?: string;
}

export interface Process {
  terminal?: boolean;
  consoleSize?: ConsoleSize;
  /** Absolute. */
  cwd: string;
  env?: string[];
  /** At least one entry. */
  args: string[];
  /** Windows only. */
  commandLine?: string;
  user?: User;
  capabilities?: Capabilities;
  rlimits?: Rlimit[];
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
  selinuxLabel?: string;
  scheduler?: Scheduler;
  ioPriority?: IOPriority;
  execCPUAffinity?: ExecCPUAffinity;
}

export interface Hook {
  /** Absolute. */
  path: string;
  args?: string[];
  env?: string[];
  /** Seconds, >= 1. */
  timeout?: number;
}

export interface Hooks {
  /** Deprecated in favour of createRuntime/createContainer/startContainer. */
  prestart?: Hook[];
  createRuntime?: Hook[];
  createContainer?: Hook[];
  startContainer?: Hook[];
  poststart?: Hook[];
  poststop?: Hook[];
}

// ---- linux ----

export interface LinuxNamespace {
  type: NamespaceType;
  /** Absolute path of a namespace file, e.g. /proc/1234/ns/net. */
  path?: string;
}

export interface TimeOffset {
  secs?: number;
  nanosecs?: number;
}

export interface LinuxDevice {
  type: 'c' | 'b' | 'u' | 'p';
  /** Absolute path inside the container. */
  path: string;
  /** REQUIRED unless type is "p". */
  major?: number;
  minor?: number;
  /** Decimal file mode, e.g. 438 for 0666. */
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export interface LinuxNetDevice {
  /** Name inside the container; the host name if unset. */
  name?: string;
}

export interface LinuxDeviceCgroup {
  allow: boolean;
  /** a (all, default), c or b. */
  type?: 'a' | 'c' | 'b';
  major?: number;
  minor?: number;
  /** Composition of r, w, m. */
  access?: string;
}

export interface LinuxMemory {
  limit?: number;
  reservation?: number;
  swap?: number;
  kernel?: number;
  kernelTCP?: number;
  swappiness?: number;
  disableOOMKiller?: boolean;
  useHierarchy?: boolean;
  checkBeforeUpdate?: boolean;
}

export interface LinuxCPU {
  shares?: number;
  quota?: number;
  burst?: number;
  period?: number;
  realtimeRuntime?: number;
  realtimePeriod?: number;
  cpus?: string;
  mems?: string;
  idle?: number;
}

export interface LinuxWeightDevice {
  major: number;
  minor: number;
  /** At least one of weight and leafWeight. */
  weight?: number;
  leafWeight?: number;
}

export interface LinuxThrottleDevice {
  major: number;
  minor: number;
  rate: number;
}

export interface LinuxBlockIO {
  weight?: number;
  leafWeight?: number;
  weightDevice?: LinuxWeightDevice[];
  throttleReadBpsDevice?: LinuxThrottleDevice[];
  throttleWriteBpsDevice?: LinuxThrottleDevice[];
  throttleReadIOPSDevice?: LinuxThrottleDevice[];
  throttleWriteIOPSDevice?: LinuxThrottleDevice[];
}

export interface LinuxHugepageLimit {
  /** e.g. "2MB", "64KB", "1GB". */
  pageSize: string;
  limit: number;
}

export interface LinuxInterfacePriority {
  name: string;
  priority: number;
}

export interface LinuxNetwork {
  classID?: number;
  priorities?: LinuxInterfacePriority[];
}

export interface LinuxPids {
  /** -1 means no limit; 0 is a valid limit. */
  limit?: number;
}

export interface LinuxRdma {
  /** At least one of hcaHandles and hcaObjects. */
  hcaHandles?: number;
  hcaObjects?: number;
}

export interface Resources {
  devices?: LinuxDeviceCgroup[];
  memory?: LinuxMemory;
  cpu?: LinuxCPU;
  blockIO?: LinuxBlockIO;
  hugepageLimits?: LinuxHugepageLimit[];
  network?: LinuxNetwork;
  pids?: LinuxPids;
  /** Keyed by device name. */
  rdma?: Record<string, LinuxRdma>;
  /** cgroup v2 file name -> content. */
  unified?: Record<string, string>;
}

export interface IntelRdt {
  closID?: string;
  l3CacheSchema?: string;
  memBwSchema?: string;
  schemata?: string[];
  enableMonitoring?: boolean;
  /** v1.1.0 to v1.2.1 only (replaced by enableMonitoring). */
  enableCMT?: boolean;
  enableMBM?: boolean;
}

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: SeccompOperator;
}

export interface SeccompSyscall {
  /** At least one entry. */
  names: string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: SeccompArg[];
}

export interface Seccomp {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures?: SeccompArch[];
  flags?: SeccompFlag[];
  listenerPath?: string;
  /** Only with listenerPath. */
  listenerMetadata?: string;
  syscalls?: SeccompSyscall[];
}

export interface MemoryPolicy {
  mode: MemoryPolicyMode;
  nodes?: string;
  flags?: MemoryPolicyFlag[];
}

export interface Personality {
  domain: PersonalityDomain;
  flags?: string[];
}

export interface Linux {
  /** No two entries share a type (checked by the loader). */
  namespaces?: LinuxNamespace[];
  uidMappings?: IDMapping[];
  gidMappings?: IDMapping[];
  timeOffsets?: Partial<Record<TimeOffsetClock, TimeOffset>>;
  devices?: LinuxDevice[];
  /** Keyed by the host interface name. */
  netDevices?: Record<string, LinuxNetDevice>;
  cgroupsPath?: string;
  resources?: Resources;
  intelRdt?: IntelRdt;
  memoryPolicy?: MemoryPolicy;
  sysctl?: Record<string, string>;
  seccomp?: Seccomp;
  rootfsPropagation?: RootfsPropagation;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  mountLabel?: string;
  personality?: Personality;
}
