// Loads a Triton model repository: every model directory, its config.pbtxt parsed and
// decoded (syntax and schema findings collected), and where its model.py lives.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from './findings.js';
import type { LoadedModel } from './model.js';
import { PbtxtParseError, parsePbtxt } from './pbtxt/index.js';
import { str } from './schema/decoded.js';
import { decodeModelConfig } from './schema/decode.js';

export interface LoadedRepository {
  dir: string;
  models: LoadedModel[];
  /** Findings per model name (config syntax/schema, layout), plus '' for repository-level ones. */
  findings: Map<string, Finding[]>;
}

export function displayPath(abs: string, baseDir: string): string {
  const rel = path.relative(baseDir, abs);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Parses and decodes one config.pbtxt text; findings carry `file`. */
export function checkConfigText(text: string, file: string): { config?: LoadedModel['config']; findings: Finding[] } {
  try {
    const doc = parsePbtxt(text);
    const { config, issues } = decodeModelConfig(doc);
    const findings = issues.map((i): Finding => {
      const f: Finding = { severity: i.severity, code: i.code, file, line: i.pos.line, column: i.pos.column, message: i.message };
      if (i.hint !== undefined) f.hint = i.hint;
      return f;
    });
    return { config, findings };
  } catch (err) {
    if (err instanceof PbtxtParseError) {
      return {
        findings: [
          {
            severity: 'error',
            code: 'pbtxt.syntax',
            file,
            line: err.line,
            column: err.column,
            message: err.detail,
            hint: 'Triton only reports "failed to read text proto"; fix the syntax at this position',
          },
        ],
      };
    }
    throw err;
  }
}

export function loadRepository(repoDir: string, baseDir: string = process.cwd()): LoadedRepository {
  const dir = path.resolve(repoDir);
  const findings = new Map<string, Finding[]>();
  const models: LoadedModel[] = [];
  if (!isDir(dir)) {
    findings.set('', [
      { severity: 'error', code: 'repo.not-found', file: displayPath(dir, baseDir), message: 'the model repository directory does not exist' },
    ]);
    return { dir, models, findings };
  }
  for (const entry of readdirSync(dir).sort()) {
    const modelDir = path.join(dir, entry);
    if (entry.startsWith('.') || !isDir(modelDir)) continue;
    const configPath = path.join(modelDir, 'config.pbtxt');
    const model: LoadedModel = { name: entry, dir: modelDir, configPath, configFile: displayPath(configPath, baseDir) };
    const list: Finding[] = [];
    findings.set(entry, list);
    models.push(model);
    if (!existsSync(configPath)) {
      list.push({
        severity: 'error',
        code: 'repo.config-missing',
        file: displayPath(modelDir, baseDir),
        message: `model directory '${entry}' has no config.pbtxt`,
        hint: `write ${model.configFile}`,
      });
    } else {
      const result = checkConfigText(readFileSync(configPath, 'utf8'), model.configFile);
      list.push(...result.findings);
      if (result.config) model.config = result.config;
    }
    const versions = readdirSync(modelDir)
      .filter((v) => /^[0-9]+$/.test(v) && isDir(path.join(modelDir, v)))
      .sort((a, b) => Number(b) - Number(a));
    const filename = str(model.config, 'default_model_filename') || 'model.py';
    const latest = versions[0];
    const isPython = str(model.config, 'backend') === 'python' || str(model.config, 'platform') === 'python' || filename.endsWith('.py');
    if (latest === undefined) {
      if (isPython) {
        list.push({
          severity: 'error',
          code: 'repo.no-version-dir',
          file: displayPath(modelDir, baseDir),
          message: `model '${entry}' has no version directory`,
          hint: `put the code in ${displayPath(path.join(modelDir, '1', filename), baseDir)}`,
        });
      }
      continue;
    }
    const py = path.join(modelDir, latest, filename);
    if (existsSync(py) && filename.endsWith('.py')) {
      model.pythonPath = py;
      model.pythonFile = displayPath(py, baseDir);
    } else if (isPython) {
      list.push({
        severity: 'error',
        code: 'repo.model-py-missing',
        file: displayPath(path.join(modelDir, latest), baseDir),
        message: `python model '${entry}' has no ${filename} in version ${latest}`,
        hint: `write ${displayPath(py, baseDir)}`,
      });
    }
  }
  return { dir, models, findings };
}
