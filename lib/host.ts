// Facts about this host that decide what a container may ask for.
import * as fs from 'node:fs';
import type { HostFeatures } from './plan/build';

function readable(p: string): string {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

export function hostFeatures(): HostFeatures {
  const mounts = readable('/proc/self/mounts');
  return {
    apparmor: readable('/sys/module/apparmor/parameters/enabled').trim() === 'Y',
    selinux: fs.existsSync('/sys/fs/selinux/enforce'),
    resctrl: / resctrl /.test(mounts),
  };
}
