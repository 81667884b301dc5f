// Linux security modules: process.apparmorProfile is applied where the host
// has AppArmor; everything else a config asks of an LSM is refused with the
// field, never accepted and dropped (issue 16 item 5, docs/DESIGN.md).
import type { Linux, Process } from '../config/types';
import { ConfigRefusal } from '../errors';

export class LsmError extends ConfigRefusal {}

/** what the host offers, from lib/host.ts */
export interface LsmHost {
  /** AppArmor enabled: /sys/module/apparmor/parameters/enabled is Y and securityfs has apparmor (runc's test) */
  apparmor: boolean;
  /** the names of the loaded profiles (/sys/kernel/security/apparmor/profiles); null when unreadable */
  apparmorProfiles: readonly string[] | null;
  selinux: boolean;
}

/** what the init (or exec's child) has the sealed exec helper write just before the program's execve */
export interface ExecLabelPlan {
  /** the text written, "exec <profile>" for AppArmor; "" for none */
  execLabel: string;
  /** the file under /proc/thread-self/attr/ it goes to; the addon falls back to "exec" on kernels without the LSM's own directory */
  execLabelAttr: string;
}

/** a proc attr write takes less than a page */
const ATTR_MAX = 4095;

/** the syntax that names something other than one loaded profile: stacks, policy namespaces, unconfined */
function plainProfileName(name: string): boolean {
  return name !== 'unconfined' && !name.includes('//&') && !name.startsWith(':') && !name.startsWith('&');
}

/**
 * process.apparmorProfile and process.selinuxLabel. `where` is the pointer
 * of the process ("/process"; exec's process.json or flags say the same).
 */
export function planExecLabel(proc: Process, host: LsmHost, where = '/process'): ExecLabelPlan {
  if (proc.selinuxLabel)
    throw new LsmError(
      `${where}/selinuxLabel: SELinux labels are not supported by runts (${host.selinux ? 'this host has SELinux: the label would not be applied' : 'and this host has no SELinux'})`,
    );
  const profile = proc.apparmorProfile ?? '';
  if (!profile) return { execLabel: '', execLabelAttr: '' };
  if (!host.apparmor)
    throw new LsmError(`${where}/apparmorProfile: AppArmor is not enabled on this host (/sys/module/apparmor/parameters/enabled is not Y): profile "${profile}" cannot be applied`);
  const execLabel = `exec ${profile}`;
  if (Buffer.byteLength(execLabel) > ATTR_MAX) throw new LsmError(`${where}/apparmorProfile: longer than ${ATTR_MAX - 5} bytes`);
  // the kernel would refuse the write too, but only after start, in the
  // container: a typo fails create here instead
  if (host.apparmorProfiles && plainProfileName(profile) && !host.apparmorProfiles.includes(profile))
    throw new LsmError(`${where}/apparmorProfile: AppArmor profile "${profile}" is not loaded (apparmor_parser -r loads it)`);
  return { execLabel, execLabelAttr: 'apparmor/exec' };
}

/** linux.mountLabel: an SELinux context= for the container's mounts, which runts does not implement */
export function checkMountLabel(linux: Linux, host: LsmHost): void {
  if (linux.mountLabel)
    throw new LsmError(
      `/linux/mountLabel: SELinux mount labels are not supported by runts (${host.selinux ? 'this host has SELinux: the label would not be applied' : 'and this host has no SELinux'})`,
    );
}

/** the profile names in /sys/kernel/security/apparmor/profiles: one "name (mode)" a line */
export function parseProfiles(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const cut = line.lastIndexOf(' (');
    if (cut > 0) names.push(line.slice(0, cut));
  }
  return names;
}
