// `runts features`: runtime-spec features.md, generated from the tables the
// implementation itself uses, so it cannot claim what the code does not do.
import * as fs from '../sys/fs';
import type { Command } from './command';
import { allCapNames } from '../capabilities';
import { HOOK_NAMES } from '../hooks';
import { MPOL_FLAG, MPOL_MODE } from '../plan/attrs';
import { FLAG_OPTIONS, IDMAP_OPTIONS, PROPAGATION_OPTIONS, RECURSIVE_OPTIONS, TMPCOPYUP } from '../plan/mounts';
import { NS_FLAGS } from '../plan/types';
import { seccompFeatures } from '../seccomp/tables';
import * as native from '../native';
import { systemdDriverAvailable } from '../cgroups/layout';

export const RUNTS_VERSION = '0.1.0';

export function features(): Record<string, unknown> {
  return {
    ociVersionMin: '1.0.0',
    ociVersionMax: '1.3.0',
    hooks: [...HOOK_NAMES],
    mountOptions: [...Object.keys(FLAG_OPTIONS), ...Object.keys(PROPAGATION_OPTIONS), ...Object.keys(RECURSIVE_OPTIONS), ...IDMAP_OPTIONS, TMPCOPYUP].sort(),
    linux: {
      namespaces: Object.keys(NS_FLAGS).sort(),
      capabilities: allCapNames(),
      // cgroupfs on v1, v2 and hybrid; the systemd driver (transient units over
      // D-Bus) where it can work, else --systemd-cgroup paths go onto cgroupfs;
      // systemdUser: this caller's own systemd answers on its session bus
      cgroup: { v1: true, v2: true, systemd: systemdDriverAvailable(), systemdUser: systemdDriverAvailable(true) && (require('../cgroups/systemd') as typeof import('../cgroups/systemd')).userInstanceReachable(), rdma: true },
      // probed: flags this kernel takes, architectures the linked libseccomp builds
      seccomp: seccompFeatures(native.seccompFlagSupported, native.seccompArchSupported),
      // features-linux.md: what the runtime implements, whatever the host has.
      // AppArmor profiles are applied (refused on a host without AppArmor);
      // SELinux labels and RDT classes are refused everywhere (lib/plan/lsm.ts)
      apparmor: { enabled: true },
      selinux: { enabled: false },
      intelRdt: { enabled: false },
      memoryPolicy: { modes: Object.keys(MPOL_MODE).sort(), flags: Object.keys(MPOL_FLAG).sort() },
      mountExtensions: { idmap: { enabled: true } },
      netDevices: { enabled: true },
    },
    annotations: {
      'org.runts.version': RUNTS_VERSION,
      // runts as a normal user (README "Rootless"): its own user namespace, the
      // caller's id mapped directly or more ranges through newuidmap/newgidmap,
      // state under $XDG_RUNTIME_DIR/runts, cgroups only where delegated
      'org.runts.rootless': 'true',
      'org.runts.rootless.idmapTools': rootlessIdmapTools(),
    },
  };
}

/** which of newuidmap/newgidmap this host has: the ranges a rootless config may map beyond the caller's own ids */
function rootlessIdmapTools(): string {
  return ['/usr/bin/newuidmap', '/usr/bin/newgidmap'].filter((p) => fs.existsSync(p)).map((p) => p.slice('/usr/bin/'.length)).join(',');
}

export const command: Command = {
  name: 'features',
  summary: 'show the enabled features',
  argsUsage: '',
  flags: [],
  minArgs: 0,
  maxArgs: 0,
  async run() {
    process.stdout.write(JSON.stringify(features(), null, '    ') + '\n');
    return 0;
  },
};
