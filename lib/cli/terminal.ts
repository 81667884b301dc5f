// The caller's side of a foreground `run`/`exec` with process.terminal. The
// addon copies between our stdio and the pty master on a worker thread
// (addon/src/ptyproxy.c: the same under node and Bun, and it stops reading
// when the process has gone even if a leftover process holds the slave); here
// only the size follows SIGWINCH.
import * as native from '../native';

export interface TerminalProxy {
  /** resolves once the process has exited and its output is copied */
  done: Promise<void>;
}

export function proxyTerminal(master: number, pid: number, sizeFromConfig: boolean): TerminalProxy {
  const resize = (): void => {
    native.resizePty(master);
  };
  process.on('SIGWINCH', resize);
  const done = native.proxyPty(master, pid, !sizeFromConfig).then(() => {
    process.off('SIGWINCH', resize);
  });
  return { done };
}
