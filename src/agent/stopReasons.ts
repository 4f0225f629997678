// What each stop reason means for the session loop, decided in one place.

export type StopAction =
  /** The model is done with this run. */
  | { kind: 'finish' }
  /** Execute the turn's tool calls and send their results. */
  | { kind: 'tools' }
  /** Send the assistant content back as is and ask again (pause_turn). */
  | { kind: 'resume' }
  /** The reply was cut by max_tokens with no tool call: ask the model to go on. */
  | { kind: 'continue'; prompt: string }
  | { kind: 'end'; reason: 'refusal' | 'context_exceeded' | 'error' };

export const CONTINUE_PROMPT =
  'Your reply was cut off because it reached the output token limit. Continue exactly where you stopped; ' +
  'if you were writing a large file, write it in smaller parts.';

export function actionForStop(stopReason: string | null, hasToolCalls: boolean): StopAction {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return { kind: 'finish' };
    case 'tool_use':
      return { kind: 'tools' };
    case 'max_tokens':
      // Complete calls are executed; a call cut in half gets an is_error result saying so.
      return hasToolCalls ? { kind: 'tools' } : { kind: 'continue', prompt: CONTINUE_PROMPT };
    case 'pause_turn':
      // Client tool calls must be answered before the API will go on.
      return hasToolCalls ? { kind: 'tools' } : { kind: 'resume' };
    case 'refusal':
      return { kind: 'end', reason: 'refusal' };
    case 'model_context_window_exceeded':
      return { kind: 'end', reason: 'context_exceeded' };
    default:
      return { kind: 'end', reason: 'error' };
  }
}
