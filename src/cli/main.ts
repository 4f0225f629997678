#!/usr/bin/env node
// The `flux-triton` executable: everything lives in runCli so tests can call it in-process.
import { processIo } from './io.js';
import { runCli } from './runCli.js';

// `flux-triton plan | head` closes stdout early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
// exitCode rather than process.exit(), so pending output is flushed first.
process.exitCode = await runCli(process.argv.slice(2), processIo());
