// The OCI lifecycle as typed predicates. Status is derived from the process
// and the exec fifo, never trusted from disk.

export type Status = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

export const canStart = (s: Status): boolean => s === 'created';
export const canKill = (s: Status): boolean => s === 'created' || s === 'running' || s === 'paused';
export const canDelete = (s: Status): boolean => s === 'stopped';
export const canExec = (s: Status): boolean => s === 'created' || s === 'running';
