// The system-prompt prefix every session of a run shares, byte for byte, so the API's
// prompt cache serves it to all of them: the working rules, then the graph's context
// files. Nothing task-specific may go in here.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TaskGraph } from '../config/types.js';

const WORKING_RULES = `You are one of several specialised agents working in parallel on one git workspace,
orchestrated by flux-triton. Each of you owns a task with declared output files.

Rules of the workspace:
- Paths are relative to the workspace root (absolute paths inside it also work).
- You may read any file; you may write or edit only the files your task declares as outputs.
  Other agents own the other files and may be writing them right now.
- Tools: Read, Write, Edit, Glob, Grep, Bash (only those your agent definition grants).
  Bash runs in the workspace root with a timeout and without any API credentials.
- When your work is complete, end your turn with a short factual summary. The runner then
  verifies your outputs with the task's checks; if a check fails you receive its output in
  this conversation and must repair your files.
- Do not invent facts: the reference files below are the source of truth.`;

export async function buildSharedContext(graph: Pick<TaskGraph, 'name' | 'context' | 'dir'>): Promise<string> {
  const parts = [`# Project: ${graph.name}`, '', WORKING_RULES, ''];
  for (const relative of graph.context) {
    const content = await readFile(path.join(graph.dir, 'context', relative), 'utf8');
    parts.push(`## Context file: ${relative}`, '', '```' + fenceLanguage(relative), content.trimEnd(), '```', '');
  }
  return parts.join('\n');
}

function fenceLanguage(file: string): string {
  const ext = path.extname(file).slice(1);
  return ({ py: 'python', md: 'markdown', yaml: 'yaml', yml: 'yaml', ts: 'typescript', json: 'json' } as Record<string, string>)[ext] ?? '';
}
