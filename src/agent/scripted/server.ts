// A local server that speaks the Messages API (POST /v1/messages as JSON or server-sent
// events, POST /v1/messages/count_tokens) and plays per-task scripts, so offline runs use
// the same SDK code path as real ones. It listens on 127.0.0.1 only, on an ephemeral port.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorTypeForStatus, FaultInjector, type FaultPlan, type FaultRule, type FaultRuleState } from './faults.js';
import { latencyFor, type LatencyPlan } from './latency.js';
import { PromptCache, type UsagePlan } from './promptCache.js';
import { absolutizeToolInput, WORKSPACE_HEADER } from './claudeCodeInputs.js';
import { chunk, finalBlock, planReply, type PlannedReply } from './reply.js';
import { loadScript, ScriptError, type Script } from './script.js';
import { validateMessagesRequest } from './validateRequest.js';

export const TASK_HEADER = 'x-flux-triton-task';
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface ScriptedServerOptions {
  scriptsDir: string;
  goldenDir: string;
  faults?: FaultPlan | undefined;
  latency?: LatencyPlan | undefined;
  usage?: UsagePlan | undefined;
  /**
   * Serve Claude Code sessions: script paths are made absolute against the session's
   * workspace header, requests that are not the agent's own turns (no tools: titles,
   * quota or other side calls) get a short neutral reply, and other endpoints an empty
   * success, so nothing Claude Code sends besides the scripted turns fails.
   */
  claudeCode?: boolean | undefined;
  /**
   * Keep every request in `requests` (default true: tests read them). A run's provider
   * turns it off: at about 17 KB per task (two bodies with the system prompt and tools),
   * a long offline run would otherwise hold every request it ever served.
   */
  recordRequests?: boolean | undefined;
}

/** The reply to a Claude Code request that is not one of the agent's turns. */
export const SIDE_REPLY_TEXT = 'ok';

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-cased names; authorization and x-api-key values masked. */
  headers: Record<string, string>;
  task?: string | undefined;
  /** 1-based turn the request asks for (assistant messages already present + 1). */
  turn?: number | undefined;
  /** Claude Code mode: a request that was not one of the agent's turns, answered without the script. */
  side?: boolean | undefined;
  body: unknown;
}

export interface ScriptedServer {
  url: string;
  close(): Promise<void>;
  requests: RecordedRequest[];
  /** Each fault rule with how often it matched and was applied. */
  faults: FaultRuleState[];
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = errorTypeForStatus(status),
  ) {
    super(message);
  }
}

function maskHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
    headers[name] = name === 'authorization' || name === 'x-api-key' ? '***' : text;
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    const buffer = part as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Request exceeds the maximum allowed size.', 'request_too_large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Waits, unless the client goes away first (then resolves false). */
function waitUnlessGone(ms: number, res: ServerResponse): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!res.destroyed);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    }, ms);
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    res.once('close', onClose);
  });
}

function countAssistantMessages(body: Record<string, unknown>): number {
  const messages = body.messages as { role?: unknown }[];
  return messages.filter((m) => m?.role === 'assistant').length;
}

export async function startScriptedServer(options: ScriptedServerOptions): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const keep = (record: RecordedRequest): void => {
    if (options.recordRequests !== false) requests.push(record);
  };
  const injector = new FaultInjector(options.faults);
  const cache = new PromptCache(options.usage);
  const scripts = new Map<string, Promise<Script>>();
  let requestCounter = 0;

  const scriptFor = (task: string): Promise<Script> => {
    let script = scripts.get(task);
    if (!script) {
      script = loadScript(options.scriptsDir, task);
      // A missing or broken script may be fixed while the server runs; do not cache failures.
      script.catch(() => scripts.delete(task));
      scripts.set(task, script);
    }
    return script;
  };

  const sendError = (res: ServerResponse, requestId: string, error: HttpError, extraHeaders: Record<string, string> = {}): void => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(error.status, { 'content-type': 'application/json', 'request-id': requestId, ...extraHeaders });
    res.end(JSON.stringify({ type: 'error', error: { type: error.type, message: error.message }, request_id: requestId }));
  };

  const handleMessages = async (
    req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown>,
    requestId: string,
    record: RecordedRequest,
  ): Promise<void> => {
    const task = req.headers[TASK_HEADER];
    const turn = countAssistantMessages(body) + 1;
    record.turn = turn;
    if (typeof task !== 'string' || task === '') {
      throw new HttpError(
        400,
        `Missing the ${TASK_HEADER} header: the scripted provider plays one script per task (<scriptsDir>/<TASK>.yaml) and needs to know which.`,
      );
    }
    if (options.claudeCode && !(Array.isArray(body.tools) && body.tools.length > 0)) {
      record.side = true;
      record.turn = undefined;
      await sendReply(req, res, body, requestId, task, 0, { blocks: [{ type: 'text', text: SIDE_REPLY_TEXT }], stopReason: 'end_turn' }, undefined);
      return;
    }
    const fault = injector.take(task, turn);
    const delay = latencyFor(options.latency, task, turn) + (fault?.delayMs ?? 0);
    if (!(await waitUnlessGone(delay, res))) return;
    if (fault?.cutAfterEvents !== undefined && body.stream !== true) {
      req.socket.destroy();
      return;
    }
    if (fault?.status !== undefined) {
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
      const type = fault.errorType ?? errorTypeForStatus(fault.status);
      throw Object.assign(new HttpError(fault.status, `Injected fault: ${fault.status} ${type}`, type), { headers });
    }

    let reply: PlannedReply;
    try {
      const workspace = req.headers[WORKSPACE_HEADER];
      const adapt =
        options.claudeCode && typeof workspace === 'string' && workspace !== ''
          ? (tool: string, input: Record<string, unknown>) => absolutizeToolInput(tool, input, workspace)
          : undefined;
      reply = await planReply(await scriptFor(task), turn, options.goldenDir, fault, adapt);
    } catch (error) {
      if (error instanceof ScriptError) throw new HttpError(400, error.message);
      throw error;
    }
    await sendReply(req, res, body, requestId, task, turn, reply, fault);
  };

  const sendReply = async (
    _req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown>,
    requestId: string,
    task: string,
    turn: number,
    reply: PlannedReply,
    fault: FaultRule | undefined,
  ): Promise<void> => {
    const inputUsage = cache.account(body);
    const content = reply.blocks.map(finalBlock);
    const outputTokens = Math.max(1, cache.tokens(JSON.stringify(content).length));
    const message = {
      id: `msg_scripted_${task}_${turn}_${requestCounter}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content,
      stop_reason: reply.stopReason,
      stop_sequence: null,
      stop_details: reply.stopReason === 'refusal' ? { type: 'refusal', category: null, explanation: null } : null,
      container: null,
      diagnostics: null,
      usage: { ...inputUsage, output_tokens: outputTokens, cache_creation: null, service_tier: 'standard' },
    };
    if (body.stream === true) await streamReply(res, requestId, message, reply, fault);
    else {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
      res.end(JSON.stringify(message));
    }
  };

  const handleCountTokens = (res: ServerResponse, body: Record<string, unknown>, requestId: string): void => {
    const chars = JSON.stringify({ tools: body.tools, system: body.system, messages: body.messages }).length;
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
    res.end(JSON.stringify({ input_tokens: cache.tokens(chars) }));
  };

  const server = createServer((req, res) => {
    const requestId = `req_scripted_${String(++requestCounter).padStart(6, '0')}`;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    void (async () => {
      try {
        const known = path === '/v1/messages' || path === '/v1/messages/count_tokens';
        if (options.claudeCode && (!known || req.method !== 'POST')) {
          // Claude Code may look up other endpoints (account, settings, models); an empty
          // success lets it carry on with its defaults.
          keep({ method: req.method ?? 'GET', path, headers: maskHeaders(req), side: true, body: await readBody(req) });
          res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
          res.end('{}');
          return;
        }
        if (!known || req.method !== 'POST') {
          throw new HttpError(
            404,
            `${req.method} ${path} is not served here: the scripted provider serves POST /v1/messages and POST /v1/messages/count_tokens.`,
          );
        }
        const text = await readBody(req);
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          keep({ method: req.method, path, headers: maskHeaders(req), body: text });
          throw new HttpError(400, 'The request body is not valid JSON.');
        }
        const task = req.headers[TASK_HEADER];
        const record: RecordedRequest = { method: req.method, path, headers: maskHeaders(req), task: typeof task === 'string' ? task : undefined, body };
        keep(record);
        const countTokens = path === '/v1/messages/count_tokens';
        const invalid = validateMessagesRequest(body, { countTokens });
        if (invalid) throw new HttpError(400, invalid);
        if (countTokens) handleCountTokens(res, body as Record<string, unknown>, requestId);
        else await handleMessages(req, res, body as Record<string, unknown>, requestId, record);
      } catch (error) {
        const httpError = error instanceof HttpError ? error : new HttpError(500, `Scripted server error: ${(error as Error).message}`);
        sendError(res, requestId, httpError, (error as { headers?: Record<string, string> }).headers);
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    faults: injector.states,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type SseEvent = [name: string, data: unknown];

/** The reply as the API streams it; the same events the SDK's MessageStream accumulates. */
function replyEvents(message: Record<string, unknown>, reply: PlannedReply, fault: FaultRule | undefined): SseEvent[] {
  const usage = message.usage as Record<string, unknown>;
  const events: SseEvent[] = [
    [
      'message_start',
      { type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_details: null, usage: { ...usage, output_tokens: 1 } } },
    ],
    ['ping', { type: 'ping' }],
  ];
  if (fault?.streamErrorType) {
    const type = fault.streamErrorType;
    events.push(['error', { type: 'error', error: { type, message: `Injected stream error: ${type}` } }]);
    return events;
  }
  reply.blocks.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } }]);
      for (const text of chunk(block.text, 3)) {
        events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }]);
      }
    } else {
      events.push([
        'content_block_start',
        { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {}, caller: { type: 'direct' } } },
      ]);
      for (const partial_json of chunk(block.inputJson, 3)) {
        events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }]);
      }
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  events.push([
    'message_delta',
    {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: null, stop_details: message.stop_details },
      usage: {
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        output_tokens: usage.output_tokens,
      },
    },
  ]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events;
}

async function streamReply(
  res: ServerResponse,
  requestId: string,
  message: Record<string, unknown>,
  reply: PlannedReply,
  fault: FaultRule | undefined,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': requestId });
  const events = replyEvents(message, reply, fault);
  for (const [index, [name, data]] of events.entries()) {
    if (res.destroyed) return;
    if (fault?.malformedEventAfter !== undefined && index >= fault.malformedEventAfter) {
      res.end('event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": \n\n');
      return;
    }
    if (fault?.cutAfterEvents !== undefined && index >= fault.cutAfterEvents) {
      res.socket?.destroy();
      return;
    }
    await new Promise<void>((resolve) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`, () => resolve()));
  }
  res.end();
}
