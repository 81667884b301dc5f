// A config edit shared by the tests that run a container in a user namespace
// of its own, as root: ids 0-65535 mapped from host 100000, /sys bound from the
// host (sysfs cannot be mounted from this user namespace) and no cgroup mount.
import type { Json } from './harness';

export function withUserns(c: Json): void {
  c.linux.namespaces.push({ type: 'user' });
  c.linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  c.linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  c.mounts = (c.mounts as Json[])
    .map((m) => (m.type === 'sysfs' ? { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] } : m))
    .filter((m) => m.type !== 'cgroup');
}
