// The emulator's door: the transport-agnostic core, its storage and fault plan. The real HTTP
// server is its own module (server.ts), so code that only needs the core never loads node:http.
export { DiskEmulator, DISK_EMULATOR_DEFAULTS } from './DiskEmulator.ts'
export type { DiskEmulatorOptions } from './DiskEmulator.ts'
export type { DiskRequest, DiskResponse, UploadHandle, DownloadHandle } from './types.ts'
export { MemoryStorage } from './storage.ts'
export type { DiskStorage, BlobWriter } from './storage.ts'
export { DirStorage } from './dirStorage.ts'
export { parseFaults, FAULTS_SYNTAX } from './faultSpec.ts'
export { ENDPOINTS } from './faults.ts'
export type { FaultPlan, FaultRule, Endpoint } from './faults.ts'
export type { OperationStatus } from './Operations.ts'
