// Public library API. The CLI is a thin layer over these exports.
export * from './config/types.js';
export * from './errors.js';
