/** Lease owner ids for CLI runs (`host:pid`) and the liveness check that lets a killed run resume. */
import { hostname } from 'node:os';

export function currentLeaseOwner(): string {
  return `${hostname()}:${process.pid}`;
}

/** A holder is gone when it ran on this host and its pid no longer exists; other hosts: assume alive. */
export function isLeaseOwnerAlive(owner: string): boolean {
  const match = /^(.*):(\d+)$/.exec(owner);
  if (!match || match[1] !== hostname()) return true;
  try {
    process.kill(Number(match[2]), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
