// Which Python runs the checks, and whether it has the modules a check needs. Checks
// that need torch must be recorded as skipped (with the reason) where torch is missing,
// never as passed, so this question is asked once per interpreter and module.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The interpreter for verify checks: `FLUX_TRITON_PYTHON` when set, else the project's
 * `.venv` (made by scripts/setup-python.sh), else `python3` from PATH.
 */
export function resolvePython(env: NodeJS.ProcessEnv, projectRoot: string): string {
  const configured = env.FLUX_TRITON_PYTHON?.trim();
  if (configured) return configured;
  const venv = path.join(projectRoot, '.venv', 'bin', 'python');
  if (existsSync(venv)) return venv;
  return 'python3';
}

const moduleCache = new Map<string, Promise<boolean>>();

function probe(python: string, module: string): Promise<boolean> {
  return new Promise((resolve) => {
    // find_spec answers without importing (importing torch takes seconds).
    const code = `import importlib.util,sys; sys.exit(0 if importlib.util.find_spec(${JSON.stringify(module)}) else 1)`;
    execFile(python, ['-c', code], { timeout: 30_000 }, (error) => resolve(!error));
  });
}

/** The modules (of `modules`) that `python` cannot import; `python` itself missing = all. */
export async function missingPythonModules(python: string, modules: readonly string[]): Promise<string[]> {
  const checks = await Promise.all(
    modules.map((module) => {
      const key = `${python}\u0000${module}`;
      let cached = moduleCache.get(key);
      if (!cached) {
        cached = probe(python, module);
        moduleCache.set(key, cached);
      }
      return cached.then((present) => (present ? undefined : module));
    }),
  );
  return checks.filter((m): m is string => m !== undefined);
}
