// Importers: other tools' plans → task graphs, and the write-back of finished tasks.
export { importSpecKit, type ImportSpecKitOptions, type ImportSpecKitResult } from './specKit/importSpecKit.js';
