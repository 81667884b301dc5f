// Error and debug lines the way runc (logrus) writes them: with --log the
// line goes to the file (text or json, which podman and containerd parse) and
// the bare message to stderr; without --log a logrus text line to stderr.
import * as fs from '../sys/fs';
import type { GlobalOptions } from './command';
import { writeStderr } from './stdio';

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function line(g: GlobalOptions, level: string, msg: string): string {
  if (g.logFormat === 'json') return JSON.stringify({ level, msg, time: timestamp() }) + '\n';
  return `time="${timestamp()}" level=${level} msg=${JSON.stringify(msg)}\n`;
}

export function logError(g: GlobalOptions, msg: string): void {
  if (g.log) {
    try {
      fs.appendFileSync(g.log, line(g, 'error', msg));
    } catch {
      // the log file is a convenience; stderr still gets the message
    }
    writeStderr(msg + '\n');
  } else {
    writeStderr(line({ ...g, logFormat: 'text' }, 'error', msg));
  }
}

/** a warning keeps the command going; with --log it goes to the file only */
export function logWarning(g: GlobalOptions, msg: string): void {
  if (g.log) {
    try {
      fs.appendFileSync(g.log, line(g, 'warning', msg));
    } catch {
      writeStderr(line({ ...g, logFormat: 'text' }, 'warning', msg));
    }
  } else {
    writeStderr(line({ ...g, logFormat: 'text' }, 'warning', msg));
  }
}

export function logDebug(g: GlobalOptions, msg: string): void {
  if (!g.debug) return;
  if (g.log) fs.appendFileSync(g.log, line(g, 'debug', msg));
  else writeStderr(line({ ...g, logFormat: 'text' }, 'debug', msg));
}
