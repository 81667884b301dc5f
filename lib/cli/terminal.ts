// The caller's side of a foreground `run`/`exec` with process.terminal: runts
// holds the pty master (non-blocking, ONLCR cleared by the addon, as runc does)
// and copies the caller's stdin into it and its output to our stdout, with the
// caller's terminal, if it has one, in raw mode and its size followed.
import * as fs from 'node:fs';
import * as tty from 'node:tty';
import { writeAllBytes } from './stdio';
import * as native from '../native';

export interface TerminalProxy {
  /** after the process has exited: copies what is left, closes the master, restores the tty */
  finish(): void;
}

/** The first of stderr, stdout, stdin that is a terminal (runc looks in that order). */
function callerTerminal(): number | undefined {
  return [2, 1, 0].find((fd) => tty.isatty(fd));
}

function isErrno(e: unknown, ...codes: string[]): boolean {
  return codes.includes((e as NodeJS.ErrnoException)?.code ?? '');
}

export function proxyTerminal(master: number, sizeFromConfig: boolean): TerminalProxy {
  const hostTty = callerTerminal();
  let sizeSource: tty.WriteStream | undefined;
  const resize = (): void => {
    if (hostTty === undefined) return;
    sizeSource ??= hostTty === 0 ? undefined : hostTty === 1 ? (process.stdout as tty.WriteStream) : (process.stderr as tty.WriteStream);
    const [cols, rows] = sizeSource?.getWindowSize?.() ?? [0, 0];
    if (rows > 0 && cols > 0) native.setWinsize(master, rows, cols);
  };
  if (!sizeFromConfig) resize();
  process.on('SIGWINCH', resize);

  const stdinIsTty = tty.isatty(0);
  const stdin = process.stdin;
  if (stdinIsTty) (stdin as tty.ReadStream).setRawMode(true);
  let open = true;
  const onInput = (d: Buffer): void => {
    if (!open) return;
    try {
      writeAllBytes(master, d);
    } catch {
      // EIO: the container's side has gone; its exit ends the run
    }
  };
  stdin.on('data', onInput);
  // stdin at its end (</dev/null) is not the container's end: runc keeps the pty
  stdin.on('error', () => undefined);

  // libuv watches the master with epoll (a tty handle: a master is not
  // reopened, its O_NONBLOCK stays ours); 'data' is written synchronously
  const out = new tty.ReadStream(master);
  out.on('data', (d: Buffer) => {
    writeAllBytes(1, d);
  });
  // EIO once the last holder of the slave has gone: the stream closes the fd
  out.on('error', () => {
    open = false;
  });
  out.on('close', () => {
    open = false;
  });

  return {
    finish(): void {
      process.off('SIGWINCH', resize);
      stdin.off('data', onInput);
      if (stdinIsTty) (stdin as tty.ReadStream).setRawMode(false);
      stdin.pause();
      // What the process wrote before it exited is in the master now (the
      // kernel flushes a closed slave's buffer before a read sees EIO); read
      // until EIO, or EAGAIN when something else still holds the slave.
      if (open) {
        const buf = Buffer.alloc(65536);
        for (;;) {
          let n: number;
          try {
            n = fs.readSync(master, buf, 0, buf.length, null);
          } catch (e) {
            if (isErrno(e, 'EAGAIN', 'EIO', 'EBADF')) break;
            throw e;
          }
          if (n <= 0) break;
          writeAllBytes(1, buf.subarray(0, n));
        }
        open = false;
      }
      // the stream owns the fd: destroying it closes the master, once
      out.destroy();
    },
  };
}
