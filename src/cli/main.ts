#!/usr/bin/env node
// Placeholder entry point until the command table lands.
console.log('flux-triton: commands are being built');
