// The state store: <root>/<id>/state.json written atomically (tmp +
// rename). Creating the <root>/<id> directory is the lock for an id: mkdir is
// atomic, so of two concurrent creates exactly one wins.
import * as path from '../sys/path';
import { OCI_VERSION } from '../config/default-spec';
import type { Spec } from '../config/types';
import { ContainerExists, ContainerNotFound, DamagedState, InvalidId } from '../errors';
import { realHost, type Host } from './host';
import type { HostMount } from './hostmounts';
import type { ForeignProcess } from './ownership';
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
  /** the systemd unit the container's cgroup is (systemd cgroup driver): delete stops it */
  systemdUnit?: string;
  /** /proc/<pid>/ns/<type> of the init, for exec */
  namespacePaths: Record<string, string>;
  /** create --no-new-keyring: exec then keeps the caller's session keyring too */
  noNewKeyring?: boolean;
  /** "dev:ino" of the init's pid namespace: delete kills only processes in it */
  pidNamespace?: string;
  /** without a mount namespace: the mounts create made in the host's namespace, deepest first (delete removes them) */
  hostMounts?: HostMount[];
  /** processes create found in the cgroup already: kill --all and delete spare them */
  foreignProcesses?: ForeignProcess[];
  config: Spec;
}

/** The cgroups a create is about to make: enough to find and remove what it left. */
export interface UndoRecord {
  cgroupPaths: Record<string, string>;
  createdCgroups: string[];
  /** the systemd driver's unit, which systemd may have made already */
  systemdUnit?: string;
  /** processes that were in the cgroups before the create */
  foreign?: ForeignProcess[];
}

const ID_RE = /^[\w+\-.]+$/;

export function validateId(id: string): void {
  // runc: ids are names of directories under --root; no path tricks
  if (!ID_RE.test(id) || id === '.' || id === '..') throw new InvalidId(id);
}

/**
 * The containers under one --root on one host. Every disk access of the
 * state directory goes through host.state, so unit tests can use a fake.
 */
export class Store {
  constructor(
    readonly root: string,
    readonly host: Host = realHost(),
  ) {}

  dir(id: string): string {
    return path.join(this.root, id);
  }

  fifoPath(id: string): string {
    return path.join(this.dir(id), 'exec.fifo');
  }

  /** where the init reports its startContainer hooks (made only for a config that has some) */
  hooksFifoPath(id: string): string {
    return path.join(this.dir(id), 'hooks.fifo');
  }

  /** Claims the id; throws runc's error when it is taken. */
  claim(id: string): void {
    validateId(id);
    // runc makes --root 0700; <root>/<id> is 0700 too (runc: 0711): nothing
    // in there is for anyone but the runtime's user
    this.host.state.mkdirp(this.root, 0o700);
    if (!this.host.state.mkdirExclusive(this.dir(id), 0o700)) throw new ContainerExists(id);
  }

  /** true while the id's directory exists: a container, or a create under way */
  isClaimed(id: string): boolean {
    validateId(id);
    return this.host.state.exists(this.dir(id));
  }

  /**
   * The per-id lock: an exclusive flock on <dir>/lock, held by every command
   * that reads a container and then changes it (create for its whole run,
   * start, kill, delete, pause, resume, update, exec until its process is
   * registered). It dies with the process, so a killed runts leaves nothing
   * locked. Read-only commands (state, list, ps, events) never take it: they
   * read state.json, which is only ever replaced whole, and so never wait on
   * a stuck holder. Without a lock file (the id is unknown, or its create is
   * between mkdir and the lock) there is nothing to wait for: a no-op.
   */
  lock(id: string, create = false): () => void {
    validateId(id);
    return this.host.state.lock(path.join(this.dir(id), 'lock'), create) ?? (() => {});
  }

  /** fn under the id's lock */
  locked<T>(id: string, fn: () => T): T {
    const release = this.lock(id);
    try {
      return fn();
    } finally {
      release();
    }
  }

  /** Drops every trace of the id on disk. */
  release(id: string): void {
    this.host.state.removeTree(this.dir(id));
  }

  write(rec: ContainerRecord): void {
    this.host.state.writeAtomic(path.join(this.dir(rec.id), 'state.json'), JSON.stringify(rec));
  }

  /**
   * The record, or undefined when the id is unknown or still being created.
   * A state.json that is not what runts wrote (truncated, garbage) is a
   * DamagedState, never JSON.parse's SyntaxError text.
   */
  read(id: string): ContainerRecord | undefined {
    validateId(id);
    const text = this.host.state.read(path.join(this.dir(id), 'state.json'));
    if (text === undefined) return undefined;
    try {
      const rec = JSON.parse(text) as ContainerRecord;
      if (rec && typeof rec === 'object' && rec.id === id && typeof rec.pid === 'number' && rec.config && typeof rec.config === 'object') return rec;
    } catch {
      // below
    }
    throw new DamagedState(id);
  }

  /**
   * What a create must undo if it dies: written before it makes any cgroup,
   * so `delete --force` can remove a container whose create was killed at
   * any step, or whose state.json was damaged since.
   */
  writeUndo(id: string, undo: UndoRecord): void {
    this.host.state.writeAtomic(path.join(this.dir(id), 'undo.json'), JSON.stringify(undo));
  }

  readUndo(id: string): UndoRecord | undefined {
    const text = this.host.state.read(path.join(this.dir(id), 'undo.json'));
    if (text === undefined) return undefined;
    try {
      const u = JSON.parse(text) as UndoRecord;
      if (u && typeof u.cgroupPaths === 'object' && Array.isArray(u.createdCgroups)) return u;
    } catch {
      // damaged too: only the directory can go
    }
    return undefined;
  }

  /** The record, or runc's "container does not exist". */
  load(id: string): ContainerRecord {
    const rec = this.read(id);
    if (!rec) throw new ContainerNotFound(id);
    return rec;
  }

  hasFifo(id: string): boolean {
    return this.host.state.exists(this.fifoPath(id));
  }

  list(): string[] {
    // only container directories: not the seccomp filter cache
    return this.host.state
      .subdirs(this.root)
      .filter((name) => ID_RE.test(name))
      .sort();
  }
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

/**
 * A create under way has claimed its id but written no state.json yet: all
 * there is to say is its id and that it is being created (pid 0, as runc
 * gives for a container without a running init).
 */
export function creatingState(id: string): Record<string, unknown> {
  return { ociVersion: OCI_VERSION, id, pid: 0, status: 'creating', bundle: '', rootfs: '', created: '', owner: '' };
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
