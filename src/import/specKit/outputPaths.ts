// The files a spec-kit task names in its description ("Create User model in
// src/models/user.py") become its outputs: the only paths its agent may write.

import { unsafeRelativePath } from '../../config/taskGraphRules.js';

export interface NamedPaths {
  /** Workspace-relative globs; a directory (`src/models/`) becomes `src/models/**`. */
  outputs: string[];
  /** Paths named but not usable as outputs (absolute, `..`), with the reason. */
  refused: { path: string; reason: string }[];
}

/** Names like `Node.js` look like files but are frameworks. */
const NOT_FILES = /^(node|vue|next|nuxt|express|react|three|d3|chart|ember|angular)\.js$/i;
/** Files without an extension that tasks commonly name. */
const EXTENSIONLESS_FILES = new Set(['Dockerfile', 'Makefile', 'Procfile', 'Gemfile', 'Rakefile', 'LICENSE', 'Jenkinsfile', 'Containerfile']);
/** Extensions short enough to be confused with abbreviations, accepted only when they are real ones. */
const SHORT_EXTENSIONS = new Set([
  'c',
  'h',
  'r',
  'm',
  'd',
  'go',
  'py',
  'rs',
  'ts',
  'js',
  'md',
  'sh',
  'rb',
  'kt',
  'cs',
  'cc',
  'hh',
  'pl',
  'ex',
  'hs',
  'ml',
  'vb',
]);

export function namedPaths(description: string): NamedPaths {
  const candidates: string[] = [];
  // Backticked spans first: `src/x.py` or `config.pbtxt`; then bare tokens.
  for (const match of description.matchAll(/`([^`]+)`/g)) candidates.push((match[1] as string).trim());
  const bare = description.replace(/`[^`]*`/g, ' ');
  for (const token of bare.split(/[\s,;()]+/)) candidates.push(token);

  const outputs: string[] = [];
  const refused: { path: string; reason: string }[] = [];
  for (const raw of candidates) {
    const path = trimPunctuation(raw);
    if (!looksLikePath(path)) continue;
    const unsafe = unsafeRelativePath(path);
    if (unsafe) {
      if (!refused.some((r) => r.path === path)) refused.push({ path, reason: unsafe });
      continue;
    }
    const glob = path.endsWith('/') ? `${path.replace(/^\.\//, '')}**` : path.replace(/^\.\//, '');
    if (!outputs.includes(glob)) outputs.push(glob);
  }
  // `config.pbtxt in triton_models/bls/config.pbtxt`: the bare name is the same file, not a second one.
  const withFolders = outputs.filter((o) => o.includes('/'));
  const distinct = outputs.filter((o) => o.includes('/') || !withFolders.some((w) => w.endsWith(`/${o}`)));
  return { outputs: distinct, refused };
}

function trimPunctuation(token: string): string {
  return token.replace(/^["'“‘(<[]+/u, '').replace(/[."'”’)>\]:;,!?]+$/u, '');
}

function looksLikePath(token: string): boolean {
  if (token === '' || token.includes('://') || /\s/.test(token)) return false;
  if (NOT_FILES.test(token)) return false;
  // A folder needs a letter: `triton_models/` is one, `1/` (a version folder named in passing) is not.
  if (token.endsWith('/')) return /\p{L}/u.test(token);
  const last = token.split('/').pop() as string;
  if (/^\.[A-Za-z][\w.-]+$/.test(last)) return true; // .gitignore, .env.example
  const dot = last.lastIndexOf('.');
  const hasExtension = dot > 0 && dot < last.length - 1;
  // `src/models/user.py`, `docker/Dockerfile`; not `and/or` or `input/output`.
  if (token.includes('/')) return hasExtension || EXTENSIONLESS_FILES.has(last);
  if (!hasExtension) return false;
  const stem = last.slice(0, dot);
  const extension = last.slice(dot + 1);
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(extension)) return false;
  if (extension.length <= 2 && !SHORT_EXTENSIONS.has(extension.toLowerCase())) return false;
  return stem.length >= 2;
}
