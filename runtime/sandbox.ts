// The runtime's second door, for the grading pipeline only: the trusted parent compiling
// everything the grading sandbox will load (lab/grade/buildSandbox.ts), the sandbox's entry using
// that manifest (graders/sandbox/entry.ts), loading a solution's modules once before its tests
// (graders/harness/solution.ts), and cleaning untrusted text for reports. Drivers use ./index.ts.
// It loads nothing that ./index.ts does not already load.
export { moduleKey, useCompiledModules } from './build/compileModule.ts'
export type { CompileOptions } from './build/compileModule.ts'
export { WarmWorkers } from './host/WarmWorkers.ts'
export { WorkerHost } from './host/WorkerHost.ts'
export { underPermissionModel } from './host/workerFlags.ts'
export { cleanText } from './cleanText.ts'
