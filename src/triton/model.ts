// One model directory of a repository as the checks see it.
import type { DecodedMessage } from './schema/decoded.js';

export interface LoadedModel {
  /** Directory name (what Triton serves it as). */
  name: string;
  dir: string;
  /** config.pbtxt: absolute path and the path shown in findings. */
  configPath: string;
  configFile: string;
  /** Undefined when the file is missing or does not parse. */
  config?: DecodedMessage;
  /** `1/model.py` (or the default_model_filename) when present. */
  pythonPath?: string;
  pythonFile?: string;
}
