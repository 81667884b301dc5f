// JSON schema (draft-07, for ajv 8) of config.json as defined by the OCI
// runtime-spec v1.3.0 (config.md and config-linux.md). Written for runts from
// the specification text; it is the single source of truth for validation:
// scripts/build-validator.mjs compiles it to standalone code at build time
// (lib/config/validate.generated.ts), so ajv never compiles at run time.
//
// Choices, where the spec leaves room:
// - Unknown properties are accepted everywhere (config.md, "Extensibility":
//   runtimes MUST ignore unknown properties), so no additionalProperties:false.
// - runts is a Linux runtime: fields the spec makes REQUIRED on POSIX/Linux
//   (root, process.args with at least one entry, user.uid/gid) are required here even where Windows would differ. The
//   other platforms' sections (solaris, windows, vm, zos, freebsd) are checked
//   for shape (object) only.
// - Relative mount destinations are deprecated but allowed by config.md (they
//   MUST be taken as relative to "/"), and runc takes them: the plan does so
//   with a warning. An empty destination is refused.
// - Checks a JSON schema cannot express (duplicate namespace types, duplicate
//   rlimit types, supported ociVersion range) are done in load.ts.

/** Linux capabilities known to Linux 6.x (capabilities(7)), 0..40. */
export const CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
] as const;

/** getrlimit(2) resources. */
export const RLIMITS = [
  'RLIMIT_AS',
  'RLIMIT_CORE',
  'RLIMIT_CPU',
  'RLIMIT_DATA',
  'RLIMIT_FSIZE',
  'RLIMIT_LOCKS',
  'RLIMIT_MEMLOCK',
  'RLIMIT_MSGQUEUE',
  'RLIMIT_NICE',
  'RLIMIT_NOFILE',
  'RLIMIT_NPROC',
  'RLIMIT_RSS',
  'RLIMIT_RTPRIO',
  'RLIMIT_RTTIME',
  'RLIMIT_SIGPENDING',
  'RLIMIT_STACK',
] as const;

export const NAMESPACE_TYPES = ['pid', 'network', 'mount', 'ipc', 'uts', 'user', 'cgroup', 'time'] as const;

export const SECCOMP_ACTIONS = [
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_LOG',
  'SCMP_ACT_NOTIFY',
] as const;

/** libseccomp v2.6.0 architectures, as listed in config-linux.md. */
export const SECCOMP_ARCHES = [
  'SCMP_ARCH_X86',
  'SCMP_ARCH_X86_64',
  'SCMP_ARCH_X32',
  'SCMP_ARCH_ARM',
  'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64',
  'SCMP_ARCH_MIPS64N32',
  'SCMP_ARCH_MIPSEL',
  'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32',
  'SCMP_ARCH_PPC',
  'SCMP_ARCH_PPC64',
  'SCMP_ARCH_PPC64LE',
  'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X',
  'SCMP_ARCH_PARISC',
  'SCMP_ARCH_PARISC64',
  'SCMP_ARCH_RISCV64',
  'SCMP_ARCH_LOONGARCH64',
  'SCMP_ARCH_M68K',
  'SCMP_ARCH_SH',
  'SCMP_ARCH_SHEB',
] as const;

export const SECCOMP_FLAGS = [
  'SECCOMP_FILTER_FLAG_TSYNC',
  'SECCOMP_FILTER_FLAG_LOG',
  'SECCOMP_FILTER_FLAG_SPEC_ALLOW',
  'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',
] as const;

export const SECCOMP_OPERATORS = [
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_EQ',
  'SCMP_CMP_GE',
  'SCMP_CMP_GT',
  'SCMP_CMP_MASKED_EQ',
] as const;

/**
 * The spec lists private, shared, slave, unbindable. runc also accepts the
 * recursive forms (its specconv maps them to MS_REC|...), and runts is a
 * drop-in for runc, so they are accepted too.
 */
export const ROOTFS_PROPAGATIONS = [
  'private',
  'shared',
  'slave',
  'unbindable',
  'rprivate',
  'rshared',
  'rslave',
  'runbindable',
] as const;

export const SCHED_POLICIES = [
  'SCHED_OTHER',
  'SCHED_FIFO',
  'SCHED_RR',
  'SCHED_BATCH',
  'SCHED_ISO',
  'SCHED_IDLE',
  'SCHED_DEADLINE',
] as const;

export const SCHED_FLAGS = [
  'SCHED_FLAG_RESET_ON_FORK',
  'SCHED_FLAG_RECLAIM',
  'SCHED_FLAG_DL_OVERRUN',
  'SCHED_FLAG_KEEP_POLICY',
  'SCHED_FLAG_KEEP_PARAMS',
  'SCHED_FLAG_UTIL_CLAMP_MIN',
  'SCHED_FLAG_UTIL_CLAMP_MAX',
] as const;

export const IOPRIO_CLASSES = ['IOPRIO_CLASS_RT', 'IOPRIO_CLASS_BE', 'IOPRIO_CLASS_IDLE'] as const;

export const MEMORY_POLICY_MODES = [
  'MPOL_DEFAULT',
  'MPOL_BIND',
  'MPOL_INTERLEAVE',
  'MPOL_WEIGHTED_INTERLEAVE',
  'MPOL_PREFERRED',
  'MPOL_PREFERRED_MANY',
  'MPOL_LOCAL',
] as const;

export const MEMORY_POLICY_FLAGS = ['MPOL_F_NUMA_BALANCING', 'MPOL_F_RELATIVE_NODES', 'MPOL_F_STATIC_NODES'] as const;

export const PERSONALITY_DOMAINS = ['LINUX', 'LINUX32'] as const;

/** Time namespace clocks (time_namespaces(7)). */
export const TIME_OFFSET_CLOCKS = ['monotonic', 'boottime'] as const;

/** SemVer 2.0.0 (https://semver.org), without the numeric-prerelease leading-zero rule. */
export const SEMVER_PATTERN =
  '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$';

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://runts.invalid/schema/config.json',
  title: 'OCI runtime-spec v1.3.0 config.json (Linux)',
  type: 'object',
  required: ['ociVersion', 'root'],
  properties: {
    ociVersion: { type: 'string', pattern: SEMVER_PATTERN },
    root: {
      type: 'object',
      required: ['path'],
      properties: {
        path: { type: 'string', minLength: 1 },
        readonly: { type: 'boolean' },
      },
    },
    mounts: { type: 'array', items: { $ref: '#/definitions/Mount' } },
    process: { $ref: '#/definitions/Process' },
    hostname: { type: 'string' },
    domainname: { type: 'string' },
    hooks: {
      type: 'object',
      properties: {
        prestart: { $ref: '#/definitions/Hooks' },
        createRuntime: { $ref: '#/definitions/Hooks' },
        createContainer: { $ref: '#/definitions/Hooks' },
        startContainer: { $ref: '#/definitions/Hooks' },
        poststart: { $ref: '#/definitions/Hooks' },
        poststop: { $ref: '#/definitions/Hooks' },
      },
    },
    annotations: { $ref: '#/definitions/StringMap' },
    linux: { $ref: '#/definitions/Linux' },
    solaris: { type: 'object' },
    windows: { type: 'object' },
    vm: { type: 'object' },
    zos: { type: 'object' },
    freebsd: { type: 'object' },
  },
  definitions: {
    // ---- numbers ----
    int32: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
    int64: { type: 'integer', minimum: -9223372036854775808, maximum: 9223372036854775807 },
    uint16: { type: 'integer', minimum: 0, maximum: 65535 },
    uint32: { type: 'integer', minimum: 0, maximum: 4294967295 },
    uint64: { type: 'integer', minimum: 0, maximum: 18446744073709551615 },

    // ---- strings ----
    AbsolutePath: { type: 'string', pattern: '^/' },
    ArrayOfStrings: { type: 'array', items: { type: 'string' } },
    ArrayOfAbsolutePaths: { type: 'array', items: { $ref: '#/definitions/AbsolutePath' } },
    /** A map with non-empty string keys and string values. */
    StringMap: {
      type: 'object',
      propertyNames: { minLength: 1 },
      additionalProperties: { type: 'string' },
    },

    // ---- config.md ----
    IDMapping: {
      type: 'object',
      required: ['containerID', 'hostID', 'size'],
      properties: {
        containerID: { $ref: '#/definitions/uint32' },
        hostID: { $ref: '#/definitions/uint32' },
        size: { $ref: '#/definitions/uint32' },
      },
    },
    IDMappings: { type: 'array', items: { $ref: '#/definitions/IDMapping' } },
    Mount: {
      type: 'object',
      required: ['destination'],
      properties: {
        destination: { type: 'string', minLength: 1 },
        source: { type: 'string' },
        options: { $ref: '#/definitions/ArrayOfStrings' },
        type: { type: 'string' },
        uidMappings: { $ref: '#/definitions/IDMappings' },
        gidMappings: { $ref: '#/definitions/IDMappings' },
      },
      // "If specified, it MUST be specified along with gidMappings" (and vice versa).
      dependencies: {
        uidMappings: ['gidMappings'],
        gidMappings: ['uidMappings'],
      },
    },
    Hook: {
      type: 'object',
      required: ['path'],
      properties: {
        path: { $ref: '#/definitions/AbsolutePath' },
        args: { $ref: '#/definitions/ArrayOfStrings' },
        env: { $ref: '#/definitions/ArrayOfStrings' },
        timeout: { type: 'integer', minimum: 1, maximum: 2147483647 },
      },
    },
    Hooks: { type: 'array', items: { $ref: '#/definitions/Hook' } },
    // Well-formed names only: config.md asks that a capability which cannot
    // be granted (unknown to this kernel, or missing from the runtime's own
    // bounding set) is logged as a warning, not refused; the plan does that.
    Capabilities: {
      type: 'array',
      items: { type: 'string', pattern: '^CAP_[A-Z0-9_]+$' },
    },
    Rlimit: {
      type: 'object',
      required: ['type', 'soft', 'hard'],
      properties: {
        type: { type: 'string', enum: RLIMITS },
        soft: { $ref: '#/definitions/uint64' },
        hard: { $ref: '#/definitions/uint64' },
      },
    },
    User: {
      type: 'object',
      required: ['uid', 'gid'],
      properties: {
        uid: { $ref: '#/definitions/uint32' },
        gid: { $ref: '#/definitions/uint32' },
        umask: { $ref: '#/definitions/uint32' },
        additionalGids: { type: 'array', items: { $ref: '#/definitions/uint32' } },
        username: { type: 'string' },
      },
    },
    Process: {
      type: 'object',
      required: ['cwd', 'args'],
      properties: {
        terminal: { type: 'boolean' },
        consoleSize: {
          type: 'object',
          required: ['height', 'width'],
          properties: {
            height: { $ref: '#/definitions/uint64' },
            width: { $ref: '#/definitions/uint64' },
          },
        },
        cwd: { $ref: '#/definitions/AbsolutePath' },
        env: { $ref: '#/definitions/ArrayOfStrings' },
        args: { type: 'array', minItems: 1, items: { type: 'string' } },
        commandLine: { type: 'string' },
        user: { $ref: '#/definitions/User' },
        capabilities: {
          type: 'object',
          properties: {
            bounding: { $ref: '#/definitions/Capabilities' },
            effective: { $ref: '#/definitions/Capabilities' },
            inheritable: { $ref: '#/definitions/Capabilities' },
            permitted: { $ref: '#/definitions/Capabilities' },
            ambient: { $ref: '#/definitions/Capabilities' },
          },
        },
        rlimits: { type: 'array', items: { $ref: '#/definitions/Rlimit' } },
        noNewPrivileges: { type: 'boolean' },
        apparmorProfile: { type: 'string' },
        // The kernel accepts -1000..1000 in /proc/<pid>/oom_score_adj.
        oomScoreAdj: { type: 'integer', minimum: -1000, maximum: 1000 },
        selinuxLabel: { type: 'string' },
        scheduler: {
          type: 'object',
          required: ['policy'],
          properties: {
            policy: { type: 'string', enum: SCHED_POLICIES },
            nice: { $ref: '#/definitions/int32' },
            priority: { $ref: '#/definitions/int32' },
            flags: { type: 'array', items: { type: 'string', enum: SCHED_FLAGS } },
            runtime: { $ref: '#/definitions/uint64' },
            deadline: { $ref: '#/definitions/uint64' },
            period: { $ref: '#/definitions/uint64' },
          },
        },
        ioPriority: {
          type: 'object',
          required: ['class', 'priority'],
          properties: {
            class: { type: 'string', enum: IOPRIO_CLASSES },
            priority: { type: 'integer', minimum: 0, maximum: 7 },
          },
        },
        execCPUAffinity: {
          type: 'object',
          properties: {
            initial: { type: 'string' },
            final: { type: 'string' },
          },
        },
      },
    },

    // ---- config-linux.md ----
    Namespace: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { type: 'string', enum: NAMESPACE_TYPES },
        path: { $ref: '#/definitions/AbsolutePath' },
      },
    },
    TimeOffset: {
      type: 'object',
      properties: {
        secs: { $ref: '#/definitions/int64' },
        nanosecs: { $ref: '#/definitions/uint32' },
      },
    },
    Device: {
      type: 'object',
      required: ['type', 'path'],
      properties: {
        type: { type: 'string', enum: ['c', 'b', 'u', 'p'] },
        path: { $ref: '#/definitions/AbsolutePath' },
        major: { $ref: '#/definitions/int64' },
        minor: { $ref: '#/definitions/int64' },
        fileMode: { $ref: '#/definitions/uint32' },
        uid: { $ref: '#/definitions/uint32' },
        gid: { $ref: '#/definitions/uint32' },
      },
      // major and minor are REQUIRED unless type is "p" (FIFO).
      if: { properties: { type: { const: 'p' } } },
      else: { properties: { major: true, minor: true }, required: ['major', 'minor'] },
    },
    DeviceCgroup: {
      type: 'object',
      required: ['allow'],
      properties: {
        allow: { type: 'boolean' },
        type: { type: 'string', enum: ['a', 'c', 'b'] },
        major: { $ref: '#/definitions/int64' },
        minor: { $ref: '#/definitions/int64' },
        // runc takes any string and uses its r, w and m: "rwa" is "rw"
        access: { type: 'string' },
      },
    },
    BlockIODeviceWeight: {
      type: 'object',
      required: ['major', 'minor'],
      properties: {
        major: { $ref: '#/definitions/int64' },
        minor: { $ref: '#/definitions/int64' },
        weight: { $ref: '#/definitions/uint16' },
        leafWeight: { $ref: '#/definitions/uint16' },
      },
      // "You MUST specify at least one of weight or leafWeight".
      anyOf: [
        { properties: { weight: true }, required: ['weight'] },
        { properties: { leafWeight: true }, required: ['leafWeight'] },
      ],
    },
    BlockIODeviceThrottle: {
      type: 'object',
      required: ['major', 'minor', 'rate'],
      properties: {
        major: { $ref: '#/definitions/int64' },
        minor: { $ref: '#/definitions/int64' },
        rate: { $ref: '#/definitions/uint64' },
      },
    },
    BlockIODeviceThrottles: { type: 'array', items: { $ref: '#/definitions/BlockIODeviceThrottle' } },
    Resources: {
      type: 'object',
      properties: {
        devices: { type: 'array', items: { $ref: '#/definitions/DeviceCgroup' } },
        memory: {
          type: 'object',
          properties: {
            limit: { $ref: '#/definitions/int64' },
            reservation: { $ref: '#/definitions/int64' },
            swap: { $ref: '#/definitions/int64' },
            kernel: { $ref: '#/definitions/int64' },
            kernelTCP: { $ref: '#/definitions/int64' },
            swappiness: { $ref: '#/definitions/uint64' },
            disableOOMKiller: { type: 'boolean' },
            useHierarchy: { type: 'boolean' },
            checkBeforeUpdate: { type: 'boolean' },
          },
        },
        cpu: {
          type: 'object',
          properties: {
            shares: { $ref: '#/definitions/uint64' },
            quota: { $ref: '#/definitions/int64' },
            burst: { $ref: '#/definitions/uint64' },
            period: { $ref: '#/definitions/uint64' },
            realtimeRuntime: { $ref: '#/definitions/int64' },
            realtimePeriod: { $ref: '#/definitions/uint64' },
            cpus: { type: 'string' },
            mems: { type: 'string' },
            idle: { $ref: '#/definitions/int64' },
          },
        },
        blockIO: {
          type: 'object',
          properties: {
            weight: { $ref: '#/definitions/uint16' },
            leafWeight: { $ref: '#/definitions/uint16' },
            weightDevice: { type: 'array', items: { $ref: '#/definitions/BlockIODeviceWeight' } },
            throttleReadBpsDevice: { $ref: '#/definitions/BlockIODeviceThrottles' },
            throttleWriteBpsDevice: { $ref: '#/definitions/BlockIODeviceThrottles' },
            throttleReadIOPSDevice: { $ref: '#/definitions/BlockIODeviceThrottles' },
            throttleWriteIOPSDevice: { $ref: '#/definitions/BlockIODeviceThrottles' },
          },
        },
        hugepageLimits: {
          type: 'array',
          items: {
            type: 'object',
            required: ['pageSize', 'limit'],
            properties: {
              pageSize: { type: 'string', pattern: '^[1-9][0-9]*[KMG]B$' },
              limit: { $ref: '#/definitions/uint64' },
            },
          },
        },
        network: {
          type: 'object',
          properties: {
            classID: { $ref: '#/definitions/uint32' },
            priorities: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'priority'],
                properties: {
                  name: { type: 'string' },
                  priority: { $ref: '#/definitions/uint32' },
                },
              },
            },
          },
        },
        pids: {
          type: 'object',
          properties: {
            limit: { $ref: '#/definitions/int64' },
          },
        },
        rdma: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            properties: {
              hcaHandles: { $ref: '#/definitions/uint32' },
              hcaObjects: { $ref: '#/definitions/uint32' },
            },
            // "You MUST specify at least one of the hcaHandles or hcaObjects".
            anyOf: [
              { properties: { hcaHandles: true }, required: ['hcaHandles'] },
              { properties: { hcaObjects: true }, required: ['hcaObjects'] },
            ],
          },
        },
        unified: { $ref: '#/definitions/StringMap' },
      },
    },
    IntelRdt: {
      type: 'object',
      properties: {
        closID: { type: 'string' },
        l3CacheSchema: { type: 'string' },
        memBwSchema: { type: 'string', pattern: '^MB:[^\\n]*$' },
        schemata: { type: 'array', items: { type: 'string', pattern: '^[^\\n]*$' } },
        enableMonitoring: { type: 'boolean' },
        // v1.1.0 to v1.2.1 only, replaced by enableMonitoring in v1.3.0.
        enableCMT: { type: 'boolean' },
        enableMBM: { type: 'boolean' },
      },
    },
    SyscallArg: {
      type: 'object',
      required: ['index', 'value', 'op'],
      properties: {
        index: { $ref: '#/definitions/uint32' },
        value: { $ref: '#/definitions/uint64' },
        valueTwo: { $ref: '#/definitions/uint64' },
        op: { type: 'string', enum: SECCOMP_OPERATORS },
      },
    },
    Syscall: {
      type: 'object',
      required: ['names', 'action'],
      properties: {
        names: { type: 'array', minItems: 1, items: { type: 'string' } },
        action: { type: 'string', enum: SECCOMP_ACTIONS },
        errnoRet: { $ref: '#/definitions/uint32' },
        args: { type: 'array', items: { $ref: '#/definitions/SyscallArg' } },
      },
    },
    Seccomp: {
      type: 'object',
      required: ['defaultAction'],
      properties: {
        defaultAction: { type: 'string', enum: SECCOMP_ACTIONS },
        defaultErrnoRet: { $ref: '#/definitions/uint32' },
        architectures: { type: 'array', items: { type: 'string', enum: SECCOMP_ARCHES } },
        flags: { type: 'array', items: { type: 'string', enum: SECCOMP_FLAGS } },
        listenerPath: { type: 'string' },
        listenerMetadata: { type: 'string' },
        syscalls: { type: 'array', items: { $ref: '#/definitions/Syscall' } },
      },
      // "This field MUST NOT be set if listenerPath is not set."
      dependencies: { listenerMetadata: ['listenerPath'] },
    },
    Linux: {
      type: 'object',
      properties: {
        namespaces: { type: 'array', items: { $ref: '#/definitions/Namespace' } },
        uidMappings: { $ref: '#/definitions/IDMappings' },
        gidMappings: { $ref: '#/definitions/IDMappings' },
        timeOffsets: {
          type: 'object',
          propertyNames: { enum: TIME_OFFSET_CLOCKS },
          additionalProperties: { $ref: '#/definitions/TimeOffset' },
        },
        devices: { type: 'array', items: { $ref: '#/definitions/Device' } },
        netDevices: {
          type: 'object',
          propertyNames: { minLength: 1 },
          additionalProperties: {
            type: 'object',
            properties: { name: { type: 'string' } },
          },
        },
        cgroupsPath: { type: 'string' },
        resources: { $ref: '#/definitions/Resources' },
        intelRdt: { $ref: '#/definitions/IntelRdt' },
        memoryPolicy: {
          type: 'object',
          required: ['mode'],
          properties: {
            mode: { type: 'string', enum: MEMORY_POLICY_MODES },
            nodes: { type: 'string' },
            flags: { type: 'array', items: { type: 'string', enum: MEMORY_POLICY_FLAGS } },
          },
        },
        sysctl: { $ref: '#/definitions/StringMap' },
        seccomp: { $ref: '#/definitions/Seccomp' },
        rootfsPropagation: { type: 'string', enum: ROOTFS_PROPAGATIONS },
        maskedPaths: { $ref: '#/definitions/ArrayOfAbsolutePaths' },
        readonlyPaths: { $ref: '#/definitions/ArrayOfAbsolutePaths' },
        mountLabel: { type: 'string' },
        personality: {
          type: 'object',
          required: ['domain'],
          properties: {
            domain: { type: 'string', enum: PERSONALITY_DOMAINS },
            flags: { $ref: '#/definitions/ArrayOfStrings' },
          },
        },
      },
    },
  },
} as const;
