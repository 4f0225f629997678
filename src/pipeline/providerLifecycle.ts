// The model provider lives exactly as long as the run: started once the workspace is
// locked, closed in the run's `finally`. When it cannot start, the lock goes at once.
import path from 'node:path';
import { createProvider, type Provider } from '../agent/index.js';
import type { RunOptions } from './options.js';

export async function startProvider(options: RunOptions, env: NodeJS.ProcessEnv, graphDir: string, releaseWorkspace: () => Promise<void>): Promise<Provider> {
  try {
    return await createProvider({
      kind: options.provider,
      offline: options.offline,
      // Offline Claude Code sessions live beside the runs, so a resume finds them.
      claudeCodeHome: path.resolve(options.reportsDir, 'claude-code'),
      env,
      scriptsDir: path.join(graphDir, 'scripted'),
      goldenDir: path.join(graphDir, 'golden'),
      faults: options.scriptedFaults,
      latency: options.scriptedLatency,
    });
  } catch (error) {
    await releaseWorkspace();
    throw error;
  }
}
