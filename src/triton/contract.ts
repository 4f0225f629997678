// The cross-model tensor contract, checked two ways:
//  - from the BLS code: where one model's output flows (directly, through dlpack/numpy
//    conversions) into another model's input, their data types and shapes must agree;
//  - from a Markdown table (tasks/context/tensor_contract.md): every row must match the
//    configs exactly.
import { readFileSync } from 'node:fs';
import type { Finding } from './findings.js';
import type { LoadedModel } from './model.js';
import type { PyFileAnalysis } from './pythonAnalysis.js';
import { displayPath, loadRepository, type LoadedRepository } from './repository.js';
import { declaredTensors, fmtDims, fullShape, shapesCompatible } from './tensorInfo.js';

/** Output → input flows traced in one BLS model.py. */
export function checkBlsFlows(bls: LoadedModel, a: PyFileAnalysis, repo: Map<string, LoadedModel>): Finding[] {
  const findings: Finding[] = [];
  const file = bls.pythonFile ?? bls.configFile;
  const requests = a.requests ?? [];
  const single = (i: number): LoadedModel | undefined => {
    const names = requests[i]?.model;
    return names?.length === 1 ? repo.get(names[0] as string) : undefined;
  };
  for (const t of a.tensors ?? []) {
    if (t.request === null || t.names?.length !== 1 || t.sources.length === 0) continue;
    const target = single(t.request);
    const inputName = t.names[0] as string;
    const inDecl = target ? declaredTensors(target, 'input').find((d) => d.name === inputName) : undefined;
    if (!target || !inDecl) continue; // unknown model/input is reported by the BLS checks
    const direct = t.sources.filter((s) => s.direct);
    if (direct.length === 0) {
      const from = [...new Set(t.sources.map((s) => `${requests[s.request]?.model?.join('|') ?? '?'}.${s.output}`))].join(', ');
      findings.push({
        severity: 'info',
        code: 'contract.flow-untraced',
        file,
        line: t.line,
        column: t.col,
        message: `"${inputName}" sent to ${target.name} is computed from ${from}; its dtype and shape were not compared`,
      });
      continue;
    }
    for (const s of direct) {
      const source = single(s.request);
      const outDecl = source ? declaredTensors(source, 'output').find((d) => d.name === s.output) : undefined;
      if (!source || !outDecl) continue;
      const srcSide = `${source.name}.${outDecl.name} ${outDecl.dataType ?? '?'} ${fmtDims(outDecl.dims)} (${source.configFile}:${outDecl.dataTypePos.line})`;
      const dstSide = `${target.name}.${inDecl.name} ${inDecl.dataType ?? '?'} ${fmtDims(inDecl.dims)} (${target.configFile}:${inDecl.dataTypePos.line})`;
      if (!s.cast && outDecl.dataType && inDecl.dataType && outDecl.dataType !== inDecl.dataType) {
        findings.push({
          severity: 'error',
          code: 'contract.dtype-mismatch',
          file,
          line: t.line,
          column: t.col,
          message: `data type mismatch: ${srcSide} is passed as ${dstSide}`,
          hint: `declare both as the same data_type, or convert explicitly before building "${inputName}"`,
        });
      }
      const srcShape = fullShape(source, outDecl);
      const dstShape = fullShape(target, inDecl);
      if (!shapesCompatible(srcShape, dstShape)) {
        findings.push({
          severity: 'error',
          code: 'contract.shape-mismatch',
          file,
          line: t.line,
          column: t.col,
          message: `shape mismatch: ${srcSide} has shape ${fmtDims(srcShape)} but ${dstSide} expects ${fmtDims(dstShape)} (batch dimension included where max_batch_size > 0)`,
          hint: 'make the dims agree (-1 matches any size), or reshape explicitly before sending',
        });
      }
    }
  }
  return findings;
}

export interface ContractRow {
  model: string;
  direction: 'input' | 'output';
  name: string;
  dataType: string;
  dims: number[];
  line: number;
}

const clean = (cell: string): string =>
  cell
    .trim()
    .replace(/^`(.*)`$/, '$1')
    .trim();

/** Rows of the Markdown table whose header has model | direction | name | data_type | dims. */
export function parseContractTable(markdown: string): ContractRow[] {
  const rows: ContractRow[] = [];
  const lines = markdown.split(/\r?\n/);
  let columns: string[] | undefined;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line.startsWith('|')) {
      columns = undefined;
      return;
    }
    const cells = line.replace(/^\|/, '').replace(/\|$/, '').split('|').map(clean);
    if (!columns) {
      const lower = cells.map((c) => c.toLowerCase());
      if (['model', 'direction', 'name', 'data_type', 'dims'].every((h) => lower.includes(h))) columns = lower;
      return;
    }
    if (cells.every((c) => /^:?-+:?$/.test(c))) return;
    const get = (h: string): string => cells[(columns as string[]).indexOf(h)] ?? '';
    const dir = get('direction').toLowerCase();
    const dims = get('dims')
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean)
      .map(Number);
    if (!['in', 'out', 'input', 'output'].includes(dir) || dims.some((d) => !Number.isInteger(d))) return;
    rows.push({
      model: get('model'),
      direction: dir.startsWith('in') ? 'input' : 'output',
      name: get('name'),
      dataType: get('data_type'),
      dims,
      line: i + 1,
    });
  });
  return rows;
}

/**
 * Checks the configs against an explicit contract table. Every difference is an error at
 * the config line that disagrees (or at the table row when the config has nothing to point at).
 */
export function checkContractTable(repo: string | LoadedRepository, contractFile: string, opts: { models?: string[]; baseDir?: string } = {}): Finding[] {
  const baseDir = opts.baseDir ?? process.cwd();
  const loaded = typeof repo === 'string' ? loadRepository(repo, baseDir) : repo;
  const contractShown = displayPath(contractFile, baseDir);
  let text: string;
  try {
    text = readFileSync(contractFile, 'utf8');
  } catch (err) {
    return [{ severity: 'error', code: 'contract.table-missing', file: contractShown, message: `cannot read the contract table: ${(err as Error).message}` }];
  }
  const rows = parseContractTable(text).filter((r) => !opts.models || opts.models.includes(r.model));
  if (rows.length === 0) {
    return [
      {
        severity: 'warning',
        code: 'contract.table-missing',
        file: contractShown,
        message: 'no contract table (model | direction | name | data_type | dims) found',
      },
    ];
  }
  const findings: Finding[] = [];
  const models = new Map(loaded.models.map((m) => [m.name, m]));
  for (const row of rows) {
    const model = models.get(row.model);
    if (!model?.config) {
      if (!model) {
        findings.push({
          severity: 'error',
          code: 'contract.model-missing',
          file: contractShown,
          line: row.line,
          message: `the contract lists model "${row.model}", which the repository does not have (or its config does not parse)`,
          hint: `create ${row.model}/config.pbtxt`,
        });
      }
      continue;
    }
    const decl = declaredTensors(model, row.direction).find((t) => t.name === row.name);
    const rowText = `${row.model} ${row.direction} ${row.name} ${row.dataType} ${fmtDims(row.dims)} (${contractShown}:${row.line})`;
    if (!decl) {
      findings.push({
        severity: 'error',
        code: 'contract.tensor-missing',
        file: model.configFile,
        line: 1,
        column: 1,
        message: `the contract requires ${row.direction} "${row.name}" but the config does not declare it: ${rowText}`,
        hint: `add ${row.direction} { name: "${row.name}" data_type: ${row.dataType} dims: ${fmtDims(row.dims)} }`,
      });
      continue;
    }
    if (decl.dataType !== row.dataType) {
      findings.push({
        severity: 'error',
        code: 'contract.dtype',
        file: model.configFile,
        line: decl.dataTypePos.line,
        column: decl.dataTypePos.column,
        message: `${row.direction} "${row.name}" is ${decl.dataType ?? 'untyped'} but the contract says ${row.dataType} (${contractShown}:${row.line})`,
        hint: `write data_type: ${row.dataType}`,
      });
    }
    if (fmtDims(decl.dims) !== fmtDims(row.dims)) {
      findings.push({
        severity: 'error',
        code: 'contract.dims',
        file: model.configFile,
        line: decl.dimsPos.line,
        column: decl.dimsPos.column,
        message: `${row.direction} "${row.name}" has dims ${fmtDims(decl.dims)} but the contract says ${fmtDims(row.dims)} (${contractShown}:${row.line})`,
        hint: `write dims: ${fmtDims(row.dims)}`,
      });
    }
  }
  const listed = new Set(rows.map((r) => `${r.model}/${r.direction}/${r.name}`));
  for (const modelName of new Set(rows.map((r) => r.model))) {
    const model = models.get(modelName);
    if (!model?.config) continue;
    for (const direction of ['input', 'output'] as const) {
      for (const t of declaredTensors(model, direction)) {
        if (!listed.has(`${modelName}/${direction}/${t.name}`)) {
          findings.push({
            severity: 'error',
            code: 'contract.tensor-extra',
            file: model.configFile,
            line: t.namePos.line,
            column: t.namePos.column,
            message: `${direction} "${t.name}" is not in the contract table (${contractShown})`,
            hint: 'remove it, or rename it to the name the contract uses',
          });
        }
      }
    }
  }
  return findings;
}
