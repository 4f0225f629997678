/**
 * A refusal or failure to report back to the model as an `is_error` tool result. Anything
 * else thrown by a tool is unexpected, and is reported the same way but labelled as such.
 */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}
