// Importers: other tools' plans → task graphs, and the write-back of finished tasks.
export { importSpecKit, type ImportSpecKitOptions, type ImportSpecKitResult } from './specKit/importSpecKit.js';
export { TasksSync, tickTasks } from './specKit/tasksSync.js';
export type { FeatureDocument } from './specKit/featureDocuments.js';
