// The state store: <root>/<id>/state.json written atomically (tmp +
// rename). Creating the <root>/<id> directory is the lock for an id: mkdir is
// atomic, so of two concurrent creates exactly one wins.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Spec } from '../config/types';
import { ContainerExists, ContainerNotFound, InvalidId } from '../errors';
import { isSameProcess } from './proc';
import type { Status } from './status';

export interface ContainerRecord {
  id: string;
  pid: number;
  /** /proc/<pid>/stat start time of the init */
  pidStartTime: string;
  bundle: string;
  rootfs: string;
  /** RFC 3339 with nanoseconds, as runc prints it */
  created: string;
  owner: string;
  annotations?: Record<string, string>;
  /** cgroup directory of each hierarchy the init was placed in */
  cgroupPaths: Record<string, string>;
  /** directories runts made (and so removes on delete), parents first */
  createdCgroups: string[];
  /** /proc/<pid>/ns/<type> of the init, for exec */
  namespacePaths: Record<string, string>;
  /** create --no-new-keyring: exec then keeps the caller's session keyring too */
  noNewKeyring?: boolean;
  config: Spec;
}

const ID_RE = /^[\w+\-.]+$/;

export function validateId(id: string): void {
  // runc: ids are names of directories under --root; no path tricks
  if (!ID_RE.test(id) || id === '.' || id === '..') throw new InvalidId(id);
}

export class Store {
  constructor(readonly root: string) {}

  dir(id: string): string {
    return path.join(this.root, id);
  }

  fifoPath(id: string): string {
    return path.join(this.dir(id), 'exec.fifo');
  }

  /** Claims the id; throws runc's error when it is taken. */
  claim(id: string): void {
    validateId(id);
    fs.mkdirSync(this.root, { recursive: true, mode: 0o711 });
    try {
      fs.mkdirSync(this.dir(id), { mode: 0o711 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ContainerExists(id);
      throw e;
    }
  }

  /** Drops every trace of the id on disk. */
  release(id: string): void {
    fs.rmSync(this.dir(id), { recursive: true, force: true });
  }

  write(rec: ContainerRecord): void {
    const file = path.join(this.dir(rec.id), 'state.json');
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      // no fsync: the state lives on /run (tmpfs) and dies with a reboot,
      // as the containers do; rename alone keeps readers from a torn file
      fs.writeSync(fd, JSON.stringify(rec));
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  }

  /** The record, or undefined when the id is unknown or still being created. */
  read(id: string): ContainerRecord | undefined {
    validateId(id);
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.dir(id), 'state.json'), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    return JSON.parse(text) as ContainerRecord;
  }

  /** The record, or runc's "container does not exist". */
  load(id: string): ContainerRecord {
    const rec = this.read(id);
    if (!rec) throw new ContainerNotFound(id);
    return rec;
  }

  list(): string[] {
    try {
      return fs
        .readdirSync(this.root, { withFileTypes: true })
        // only container directories: not the seccomp filter cache
        .filter((d) => d.isDirectory() && ID_RE.test(d.name))
        .map((d) => d.name)
        .sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  status(rec: ContainerRecord): Status {
    if (!isSameProcess(rec.pid, rec.pidStartTime)) return 'stopped';
    if (isFrozen(rec)) return 'paused';
    return fs.existsSync(this.fifoPath(rec.id)) ? 'created' : 'running';
  }
}

function isFrozen(rec: ContainerRecord): boolean {
  // v1 freezer when there is one (hybrid hosts too), else cgroup v2's cgroup.freeze
  const freezer = rec.cgroupPaths['freezer'];
  const unified = rec.cgroupPaths['unified'];
  try {
    if (freezer) return fs.readFileSync(path.join(freezer, 'freezer.state'), 'utf8').trim() === 'FROZEN';
    if (unified) return /^frozen 1$/m.test(fs.readFileSync(path.join(unified, 'cgroup.events'), 'utf8'));
  } catch {
    // the cgroup is gone: not frozen
  }
  return false;
}

/** The OCI state as runc prints it (`runc state`). */
export function ociState(rec: ContainerRecord, status: Status): Record<string, unknown> {
  const s: Record<string, unknown> = {
    ociVersion: rec.config.ociVersion,
    id: rec.id,
    pid: status === 'stopped' ? 0 : rec.pid,
    status,
    bundle: rec.bundle,
    rootfs: rec.rootfs,
    created: rec.created,
    owner: rec.owner,
  };
  if (rec.annotations && Object.keys(rec.annotations).length) s.annotations = rec.annotations;
  return s;
}

/** time.Now().Format(RFC3339Nano) in UTC, as Go writes it */
export function rfc3339Nano(ms = Date.now(), hr = process.hrtime.bigint()): string {
  const frac = (ms % 1000) * 1e6 + Number(hr % 1000000n);
  const f = String(frac).padStart(9, '0').replace(/0+$/, '');
  return `${utcSeconds(ms)}${f ? '.' + f : ''}Z`;
}

/**
 * "YYYY-MM-DDTHH:MM:SS" of epoch milliseconds, by arithmetic: the first
 * Date#toISOString of a process costs ~4 ms (V8's date and ICU set-up), a
 * tenth of a create. Days to civil date after Howard Hinnant's algorithm.
 */
export function utcSeconds(ms: number): string {
  const secs = Math.floor(ms / 1000);
  const days = Math.floor(secs / 86400);
  const rem = secs - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${String(year).padStart(4, '0')}-${p2(month)}-${p2(day)}T${p2(Math.floor(rem / 3600))}:${p2(Math.floor((rem % 3600) / 60))}:${p2(rem % 60)}`;
}
