// Tool input schemas have one source (zod, in inputSchemas.ts): what the API is sent is
// generated from what the registry validates with, and Read.offset means what Claude
// Code's does (the 1-based line number Read prints). session.test.ts checks that the
// request body's `tools` is TOOL_DEFINITIONS.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeToolInput, TOOL_DEFINITIONS } from '../../src/agent/tools/definitions.js';
import { TOOL_INPUTS } from '../../src/agent/tools/inputSchemas.js';
import { executeToolCall } from '../../src/agent/tools/registry.js';
import { openWorkspace, WriteScope } from '../../src/agent/tools/sandbox.js';
import type { ToolName } from '../../src/config/types.js';
import { makeTree } from './helpers.js';

const NAMES = Object.keys(TOOL_INPUTS) as ToolName[];

describe('tool input schemas', () => {
  it('sends the API exactly the JSON Schema generated from the zod schema the registry validates with', () => {
    expect(TOOL_DEFINITIONS.map((t) => t.name)).toEqual(NAMES);
    for (const tool of TOOL_DEFINITIONS) {
      const { $schema: _draft, ...generated } = z.toJSONSchema(TOOL_INPUTS[tool.name as ToolName], { io: 'input' });
      expect(tool.input_schema, tool.name).toEqual(generated);
    }
  });

  it('every field the API is told about has a description, and required fields match Claude Code', () => {
    const required = Object.fromEntries(TOOL_DEFINITIONS.map((t) => [t.name, t.input_schema.required ?? []]));
    expect(required).toEqual({
      Read: ['file_path'],
      Write: ['file_path', 'content'],
      Edit: ['file_path', 'old_string', 'new_string'],
      Glob: ['pattern'],
      Grep: ['pattern'],
      Bash: ['command'],
    });
    for (const tool of TOOL_DEFINITIONS) {
      for (const [field, spec] of Object.entries(tool.input_schema.properties as Record<string, { description?: string }>)) {
        expect(spec.description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
    expect(describeToolInput('Read')).toBe('Read {file_path: string, offset?: integer, limit?: integer}');
  });

  it('Read.offset is 1-based in the schema sent, in validation and in what Read does', async () => {
    const offset = (TOOL_DEFINITIONS[0]?.input_schema.properties as Record<string, { minimum?: number; description?: string }> | undefined)?.offset;
    expect(offset?.minimum).toBe(1);
    expect(offset?.description).toMatch(/1-based/);
    const root = await makeTree({ 'a.txt': 'one\ntwo\nthree\n' });
    const ctx = { workspace: await openWorkspace(root), writeScope: new WriteScope([]), bashTimeoutMs: 1000 };
    expect((await executeToolCall({ name: 'Read', input: { file_path: 'a.txt', offset: 1, limit: 1 } }, NAMES, ctx)).content).toBe('     1\tone');
    const zero = await executeToolCall({ name: 'Read', input: { file_path: 'a.txt', offset: 0 } }, NAMES, ctx);
    expect(zero.isError).toBe(true);
    expect(zero.content).toMatch(/offset: .*>=1/);
  });
});
