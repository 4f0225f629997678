// Runs the stdlib-only Python analyser (python/triton_model_check.py) over model.py files
// and returns its JSON. Python's own `ast` is the only parser that agrees with the
// interpreter Triton runs, so we use it rather than approximate Python in TypeScript.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface PyPos {
  line: number;
  col: number;
}

export interface PyTensor extends PyPos {
  index: number;
  /** Candidate names; null when built dynamically. */
  names: string[] | null;
  via: 'Tensor' | 'from_dlpack';
  /** numpy/torch dtype the data is visibly converted to, e.g. `int64`. */
  dtype_hint: string | null;
  /** The InferenceRequest whose inputs include this tensor; null = an output of this model. */
  request: number | null;
  sources: { request: number; output: string; direct: boolean; cast: boolean }[];
}

export interface PyRequest extends PyPos {
  index: number;
  model: string[] | null;
  model_expr: string | null;
  requested_outputs: string[] | null;
  inputs_complete: boolean;
}

export interface PyFileAnalysis {
  syntax_error: (PyPos & { message: string }) | null;
  analysis_error?: string;
  model_class?: PyPos | null;
  execute?: (PyPos & { async: boolean }) | null;
  inputs_read?: (PyPos & { name: string | null; expr: string })[];
  as_numpy?: (PyPos & { origin: 'input' | 'output'; name: string | null; request: number | null })[];
  tensors?: PyTensor[];
  requests?: PyRequest[];
  response_outputs?: (PyPos & { request: number | null; name: string | null })[];
  undecidable?: (PyPos & { what: string; expr: string })[];
}

export type PythonRun = { ok: true; files: Map<string, PyFileAnalysis> } | { ok: false; missing: boolean; reason: string };

/** The analyser script, found next to this module in src/ or via ../../src from dist/. */
export function analyserScriptPath(): string {
  const candidates = [
    new URL('./python/triton_model_check.py', import.meta.url),
    new URL('../../src/triton/python/triton_model_check.py', import.meta.url),
  ].map((u) => fileURLToPath(u));
  return candidates.find((p) => existsSync(p)) ?? (candidates[1] as string);
}

/** Analyses the given files with one interpreter process. Never throws. */
export function analysePythonFiles(python: string, files: string[], timeoutMs = 60_000): Promise<PythonRun> {
  if (files.length === 0) return Promise.resolve({ ok: true, files: new Map() });
  const script = analyserScriptPath();
  return new Promise((resolve) => {
    execFile(python, [script, ...files], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const missing = code === 'ENOENT' || code === 'EACCES';
        resolve({
          ok: false,
          missing,
          reason: missing ? `${python} not found` : `${python} ${script} failed: ${(stderr || error.message).trim().slice(0, 500)}`,
        });
        return;
      }
      try {
        const parsed = JSON.parse(stdout) as { version: number; files: Record<string, PyFileAnalysis> };
        if (parsed.version !== 1 || typeof parsed.files !== 'object') throw new Error('unexpected output format');
        resolve({ ok: true, files: new Map(Object.entries(parsed.files)) });
      } catch (err) {
        resolve({ ok: false, missing: false, reason: `could not read the analyser's output: ${(err as Error).message}` });
      }
    });
  });
}
