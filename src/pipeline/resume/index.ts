// Resuming a stopped run as one unit: where it left off (resumePoint), what this run takes
// over from it (resumePlan), and the hand edits to its leftovers (editedLeftovers).
export { freshRunPlan, planResume, type ResumePlan } from './resumePlan.js';
export { conversationFromTurns, loadResumePoint, type ResumePoint } from './resumePoint.js';
