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

export function hostFeatures(): HostFeatures {
  const mounts = readable('/proc/self/mounts');
  const apparmor = apparmorEnabled();
  return {
    apparmor,
    apparmorProfiles: apparmor ? loadedProfiles() : null,
    selinux: fs.existsSync('/sys/fs/selinux/enforce'),
    resctrl: / resctrl /.test(mounts),
  };
}
