// Facts about this host that decide what a container may ask for.
import * as fs from './sys/fs';
import type { HostFeatures } from './plan/build';
import { parseProfiles } from './plan/lsm';

function readable(p: string): string {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

/** runc's test (libcontainer/apparmor): the module says Y and securityfs has its directory */
function apparmorEnabled(): boolean {
  return readable('/sys/module/apparmor/parameters/enabled').startsWith('Y') && fs.existsSync('/sys/kernel/security/apparmor');
}

/** read only where AppArmor is enabled (one small securityfs file); null when unreadable */
function loadedProfiles(): string[] | null {
  try {
    return parseProfiles(fs.readFileSync('/sys/kernel/security/apparmor/profiles', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Each fact is read when first asked for: a plan asks only about what its
 * config names (an AppArmor profile, an SELinux label, Intel RDT), so a
 * plain create reads none of these files (~0.3 ms).
 */
export function hostFeatures(): HostFeatures {
  let apparmor: boolean | undefined;
  let profiles: string[] | null | undefined;
  let selinux: boolean | undefined;
  let resctrl: boolean | undefined;
  return {
    get apparmor() {
      return (apparmor ??= apparmorEnabled());
    },
    get apparmorProfiles() {
      if (profiles === undefined) profiles = this.apparmor ? loadedProfiles() : null;
      return profiles;
    },
    get selinux() {
      return (selinux ??= fs.existsSync('/sys/fs/selinux/enforce'));
    },
    get resctrl() {
      return (resctrl ??= / resctrl /.test(readable('/proc/self/mounts')));
    },
  };
}
