// Run ids sort by start time and stay readable in paths and commit trailers.
import { randomBytes } from 'node:crypto';

export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
