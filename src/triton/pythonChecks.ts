// Compares what a model.py does (per the Python analyser) with its own config.pbtxt and,
// for BLS code, with the configs of the models it calls.
import type { Finding, FindingSeverity } from './findings.js';
import type { LoadedModel } from './model.js';
import type { PyFileAnalysis, PyPos } from './pythonAnalysis.js';
import { closestMatch, didYouMean } from '../util/suggest.js';
import { declaredTensors, NUMPY_TO_TRITON } from './tensorInfo.js';

class Reporter {
  readonly findings: Finding[] = [];
  constructor(private readonly file: string) {}

  add(severity: FindingSeverity, code: string, at: PyPos | undefined, message: string, hint?: string): void {
    const f: Finding = { severity, code, file: this.file, message };
    if (at) {
      f.line = at.line;
      f.column = at.col;
    }
    if (hint !== undefined) f.hint = hint;
    this.findings.push(f);
  }
}

/** Syntax and the TritonPythonModel/execute skeleton; true when deeper checks make sense. */
export function checkPythonSkeleton(model: LoadedModel, a: PyFileAnalysis, out: Finding[]): boolean {
  const r = new Reporter(model.pythonFile ?? model.configFile);
  if (a.syntax_error) {
    r.add('error', 'python.syntax', a.syntax_error, `Python syntax error: ${a.syntax_error.message}`, 'fix the syntax at this position');
    out.push(...r.findings);
    return false;
  }
  if (a.analysis_error) {
    r.add('info', 'python.undecidable', undefined, `could not analyse the file: ${a.analysis_error}`);
    out.push(...r.findings);
    return false;
  }
  if (!a.model_class) {
    r.add(
      'error',
      'python.no-model-class',
      { line: 1, col: 1 },
      'no class TritonPythonModel; the python backend loads nothing else',
      'define class TritonPythonModel with an execute(self, requests) method',
    );
  } else if (!a.execute) {
    r.add(
      'error',
      'python.no-execute',
      a.model_class,
      'TritonPythonModel has no execute method',
      'add def execute(self, requests) returning one InferenceResponse per request',
    );
  }
  out.push(...r.findings);
  return true;
}

/** Inputs read, outputs produced and as_numpy on BF16, against the model's own config. */
export function checkOwnTensors(model: LoadedModel, a: PyFileAnalysis, repo: Map<string, LoadedModel>): Finding[] {
  const r = new Reporter(model.pythonFile ?? model.configFile);
  if (!model.config) return [];
  const inputs = declaredTensors(model, 'input');
  const outputs = declaredTensors(model, 'output');
  const inputNames = inputs.map((t) => t.name);
  const outputNames = outputs.map((t) => t.name);
  const anchor = a.execute ?? a.model_class ?? { line: 1, col: 1 };

  const reads = a.inputs_read ?? [];
  for (const read of reads) {
    if (read.name === null) {
      r.add(
        'info',
        'python.undecidable',
        read,
        `could not decide which input ${read.expr} reads (built at run time)`,
        'use a string literal or a constant so it can be checked',
      );
    } else if (!inputNames.includes(read.name)) {
      r.add(
        'error',
        'python.unknown-input',
        read,
        `reads input "${read.name}", which ${model.configFile} does not declare (inputs: ${inputNames.join(', ') || 'none'})`,
        `${didYouMean(read.name, inputNames, '"')}read a declared input or declare "${read.name}" in the config`,
      );
    }
  }
  const readNames = new Set(reads.map((x) => x.name));
  const readsUndecided = reads.some((x) => x.name === null);
  for (const t of inputs) {
    if (!t.optional && !readNames.has(t.name)) {
      r.add(
        readsUndecided ? 'info' : 'warning',
        'python.input-not-read',
        anchor,
        `required input "${t.name}" (${model.configFile}:${t.namePos.line}) is never read with get_input_tensor_by_name${readsUndecided ? ' (some input names could not be decided)' : ''}`,
        'read it, or mark it optional: true / remove it from the config',
      );
    }
  }

  const produced = (a.tensors ?? []).filter((t) => t.request === null);
  for (const t of produced) {
    if (t.names === null) {
      r.add('info', 'python.undecidable', t, 'could not decide the name of an output tensor built here', 'use a string literal or a constant');
      continue;
    }
    for (const name of t.names) {
      if (!outputNames.includes(name)) {
        r.add(
          'error',
          'python.unknown-output',
          t,
          `produces output "${name}", which ${model.configFile} does not declare (outputs: ${outputNames.join(', ') || 'none'})`,
          `${didYouMean(name, outputNames, '"')}use a declared output name or declare "${name}" in the config`,
        );
      }
    }
  }
  const producedNames = new Set(produced.flatMap((t) => t.names ?? []));
  const outputsUndecided = produced.some((t) => t.names === null);
  for (const t of outputs) {
    if (!producedNames.has(t.name)) {
      r.add(
        outputsUndecided ? 'info' : 'error',
        'python.output-not-produced',
        anchor,
        `declared output "${t.name}" (${model.configFile}:${t.namePos.line}) is never built with pb_utils.Tensor("${t.name}", ...)${outputsUndecided ? ' (some output names could not be decided)' : ''}`,
        `add pb_utils.Tensor("${t.name}", ...) to each InferenceResponse, or remove the output from the config`,
      );
    }
  }

  for (const call of a.as_numpy ?? []) {
    if (call.name === null) continue;
    let decl: ReturnType<typeof declaredTensors>[number] | undefined;
    let owner = model;
    if (call.origin === 'input') {
      decl = inputs.find((t) => t.name === call.name);
    } else {
      const req = call.request === null ? undefined : a.requests?.[call.request];
      const callee = req?.model?.length === 1 ? repo.get(req.model[0] as string) : undefined;
      if (!callee) continue;
      owner = callee;
      decl = declaredTensors(callee, 'output').find((t) => t.name === call.name);
    }
    if (decl?.dataType === 'TYPE_BF16') {
      r.add(
        'error',
        'python.bf16-as-numpy',
        call,
        `calls .as_numpy() on ${call.origin} "${call.name}", declared TYPE_BF16 in ${owner.configFile}:${decl.dataTypePos.line}; BF16 has no numpy type`,
        'use torch.utils.dlpack.from_dlpack(tensor.to_dlpack()) instead, or declare the tensor TYPE_FP32',
      );
    }
  }
  return r.findings;
}

/** Every InferenceRequest: the callee exists, gets only inputs it declares and all it requires. */
export function checkBlsRequests(model: LoadedModel, a: PyFileAnalysis, repo: Map<string, LoadedModel>): Finding[] {
  const r = new Reporter(model.pythonFile ?? model.configFile);
  const requests = a.requests ?? [];
  const tensors = a.tensors ?? [];
  const names = [...repo.keys()];
  for (const req of requests) {
    if (req.model === null) {
      r.add(
        'info',
        'bls.undecidable',
        req,
        `could not decide which model this InferenceRequest calls (model_name=${req.model_expr ?? 'missing'})`,
        'use a string literal or a module/class constant for model_name',
      );
      continue;
    }
    for (const calleeName of req.model) {
      const callee = repo.get(calleeName);
      if (!callee) {
        const guess = closestMatch(calleeName, names);
        r.add(
          'error',
          'bls.unknown-model',
          req,
          `InferenceRequest calls model "${calleeName}", which is not in the repository (models: ${names.join(', ')})`,
          guess !== undefined ? `did you mean "${guess}"?` : `call one of: ${names.join(', ')}`,
        );
        continue;
      }
      if (!callee.config) continue; // its own config errors are reported there
      const calleeInputs = declaredTensors(callee, 'input');
      const calleeOutputs = declaredTensors(callee, 'output');
      const inNames = calleeInputs.map((t) => t.name);
      const outNames = calleeOutputs.map((t) => t.name);
      const sent = tensors.filter((t) => t.request === req.index);
      let allNamesKnown = req.inputs_complete;
      for (const t of sent) {
        if (t.names === null) {
          allNamesKnown = false;
          r.add('info', 'bls.undecidable', t, `could not decide the name of an input sent to ${calleeName}`);
          continue;
        }
        for (const name of t.names) {
          const decl = calleeInputs.find((d) => d.name === name);
          if (!decl) {
            r.add(
              'error',
              'bls.unknown-input',
              t,
              `sends input "${name}" to ${calleeName}, which does not declare it (${callee.configFile}; inputs: ${inNames.join(', ')})`,
              `${didYouMean(name, inNames, '"')}send only the inputs ${calleeName} declares`,
            );
            continue;
          }
          const hinted = t.dtype_hint === null ? undefined : NUMPY_TO_TRITON[t.dtype_hint];
          if (hinted !== undefined && decl.dataType !== undefined && hinted !== decl.dataType) {
            r.add(
              'error',
              'bls.input-dtype',
              t,
              `sends "${name}" to ${calleeName} as ${t.dtype_hint} (${hinted}), but ${callee.configFile}:${decl.dataTypePos.line} declares ${decl.dataType}`,
              `convert the data to the declared type before building the tensor`,
            );
          }
        }
      }
      if (allNamesKnown) {
        const sentNames = new Set(sent.flatMap((t) => t.names ?? []));
        for (const decl of calleeInputs) {
          if (!decl.optional && !sentNames.has(decl.name)) {
            r.add(
              'error',
              'bls.missing-input',
              req,
              `InferenceRequest to ${calleeName} does not send required input "${decl.name}" (${callee.configFile}:${decl.namePos.line})`,
              `add pb_utils.Tensor("${decl.name}", ...) to its inputs`,
            );
          }
        }
      } else {
        r.add(
          'info',
          'bls.undecidable',
          req,
          `could not trace every input sent to ${calleeName}; missing required inputs were not checked`,
          'build inputs=[pb_utils.Tensor("name", ...), ...] in place or in a local list',
        );
      }
      if (req.requested_outputs === null) {
        r.add('info', 'bls.undecidable', req, `could not decide requested_output_names for ${calleeName}`);
      } else {
        for (const name of req.requested_outputs) {
          if (!outNames.includes(name)) {
            r.add(
              'error',
              'bls.unknown-output',
              req,
              `requests output "${name}" from ${calleeName}, which does not declare it (${callee.configFile}; outputs: ${outNames.join(', ')})`,
              `${didYouMean(name, outNames, '"')}request only declared outputs`,
            );
          }
        }
      }
      for (const read of (a.response_outputs ?? []).filter((o) => o.request === req.index)) {
        if (read.name === null) continue;
        if (!outNames.includes(read.name)) {
          r.add(
            'error',
            'bls.unknown-output',
            read,
            `reads output "${read.name}" from the ${calleeName} response, which ${callee.configFile} does not declare`,
            `${didYouMean(read.name, outNames, '"')}read one of: ${outNames.join(', ')}`,
          );
        } else if (req.requested_outputs && req.requested_outputs.length > 0 && !req.requested_outputs.includes(read.name)) {
          r.add(
            'error',
            'bls.output-not-requested',
            read,
            `reads output "${read.name}" from ${calleeName}, but the request only asks for ${req.requested_outputs.join(', ')}; the tensor will be None`,
            `add "${read.name}" to requested_output_names`,
          );
        }
      }
    }
  }
  // A response read whose output name is built at run time cannot be checked against any
  // callee; say so instead of passing it silently.
  for (const read of a.response_outputs ?? []) {
    if (read.name === null) {
      r.add(
        'info',
        'bls.undecidable',
        read,
        'could not decide which output this get_output_tensor_by_name call reads (built at run time)',
        'use a string literal or a constant',
      );
    }
  }
  return r.findings;
}
