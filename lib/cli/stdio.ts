// Output without process.stdout/process.stderr: creating either stream costs
// ~1.5 ms and ~1.5 MB on every call (node builds a tty, pipe or file stream
// and loads its modules), more than `state` spends on its work. Writes are
// synchronous, as node's own stdout writes to files and pipes are on Linux, so
// lines stay in order with anything still written through the streams.
import * as fs from '../sys/fs';

let pause: Int32Array | undefined;

function writeAll(fd: number, text: string): void {
  writeAllBytes(fd, Buffer.from(text));
}

/** All of buf to fd, waiting out EAGAIN; false when the reader has gone (EPIPE) */
export function writeAllBytes(fd: number, buf: Uint8Array): boolean {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // a non-blocking pipe that is full: wait 1 ms for the reader
      if (code === 'EAGAIN') {
        Atomics.wait((pause ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, 1);
        continue;
      }
      // nobody is reading any more (runc ignores this too)
      if (code === 'EPIPE') return false;
      throw e;
    }
  }
  return true;
}

export function writeStdout(text: string): void {
  writeAll(1, text);
}

export function writeStderr(text: string): void {
  writeAll(2, text);
}
