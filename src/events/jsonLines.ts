// JSON Lines files are appended while a run is alive; a killed process can leave its last
// line cut short. Readers drop such a last line; damage anywhere else is an error.
import { readFileSync } from 'node:fs';

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
