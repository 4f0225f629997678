// JSON Lines files are appended while a run is alive; a killed process can leave its last
// line cut short. Readers drop such a last line; damage anywhere else is an error.
import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync } from 'node:fs';

export function readJsonLines<T>(file: string): T[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const records: T[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch (error) {
      const isLast = lines.slice(index + 1).every((rest) => rest.trim() === '');
      if (isLast) break; // truncated by a killed writer
      throw new Error(`${file}:${index + 1}: not valid JSON (${(error as Error).message})`);
    }
  }
  return records;
}

/**
 * Cuts a JSON Lines file back to its last complete line, so that appending to a file a
 * killed or out-of-space writer left mid-line does not glue a new record onto half an old
 * one (which would put a corrupt line in the middle of the file). A missing file is fine.
 */
export function trimPartialLastLine(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    let end = size;
    const chunk = Buffer.alloc(64 * 1024);
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const read = readSync(fd, chunk, 0, end - start, start);
      const newline = chunk.subarray(0, read).lastIndexOf(0x0a);
      if (newline >= 0) {
        end = start + newline + 1;
        break;
      }
      end = start;
    }
    if (end < size) ftruncateSync(fd, end);
  } finally {
    closeSync(fd);
  }
}
