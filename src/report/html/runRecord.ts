// Everything the HTML report shows, read back from what a run's recorders wrote: the state,
// the event log (for when each task verified and committed) and the transcripts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TurnRecord } from '../../agent/types.js';
import { readEventLog, readRunState, readTranscript, transcriptFile, type RunState } from '../../events/index.js';
import type { RunEvent } from '../../events/types.js';

export interface RunRecord {
  dir: string;
  state: RunState;
  events: RunEvent[];
  transcripts: Map<string, TurnRecord[]>;
}

export async function readRunRecord(runDir: string, state?: RunState): Promise<RunRecord> {
  const loaded = state ?? (await readRunState(path.join(runDir, 'state.json')));
  const eventsFile = path.join(runDir, 'events.ndjson');
  const events = existsSync(eventsFile) ? readEventLog(eventsFile) : [];
  const transcripts = new Map<string, TurnRecord[]>();
  for (const id of Object.keys(loaded.tasks)) {
    const file = transcriptFile(runDir, id);
    if (existsSync(file)) transcripts.set(id, readTranscript(file));
  }
  return { dir: runDir, state: loaded, events, transcripts };
}
