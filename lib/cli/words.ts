// The one place runts's typed errors become the words runc prints. Clients
// (podman, containerd, runc's bats) match these strings: change none of them
// without checking runc's wording.
import {
  ConsoleRefusal,
  ContainerExists,
  ContainerNotFound,
  InvalidId,
  NativeError,
  RuntsError,
  TransitionRefused,
  type NativeFailureData,
} from '../errors';

const ENOEXEC = 8;
const ENOENT = 2;

/** One line for a failure in the native child, worded as runc words it. */
export function describeFailure(f: NativeFailureData): string {
  if (f.step === 'exec') {
    if (f.errno === ENOEXEC) return `exec: "${f.path}": executable file not found in $PATH`;
    if (f.errno === ENOENT) return `exec: "${f.path}": stat ${f.path}: ${f.message}`;
    return `exec: "${f.path}": ${f.message}`;
  }
  return `${f.step}${f.path ? ' ' + f.path : ''}: ${f.message}`;
}

/** runc's sentence for an operation its container's status refuses. */
function refusal(e: TransitionRefused): string {
  switch (e.op) {
    case 'start':
      if (e.status === 'stopped') return 'cannot start a container that has stopped';
      if (e.status === 'running') return 'cannot start an already running container';
      return `cannot start a container in the ${e.status} state`;
    case 'delete':
      return `cannot delete container ${e.id} that is not stopped: ${e.status}`;
    case 'resume':
      return 'container not paused';
    case 'exec':
      if (e.status === 'paused') return 'cannot exec in a paused container (use --ignore-paused to override)';
      return 'cannot exec in a stopped container';
    case 'kill':
    case 'pause':
    case 'update':
    case 'events':
      return 'container not running';
  }
}

/** The line the user sees for an error of ours. */
export function words(e: RuntsError): string {
  if (e instanceof TransitionRefused) return refusal(e);
  if (e instanceof ContainerNotFound) return 'container does not exist';
  if (e instanceof ContainerExists) return 'container with given ID already exists';
  if (e instanceof InvalidId) return `invalid id format: ${e.id}`;
  if (e instanceof NativeError)
    return e.during === 'spawn' ? `unable to start container process: ${describeFailure(e.failure)}` : describeFailure(e.failure);
  if (e instanceof ConsoleRefusal)
    return e.reason === 'tty-needs-socket'
      ? 'cannot allocate tty if runts will detach without setting console socket'
      : 'cannot use console socket if runts will not detach or allocate tty';
  return e.message;
}
