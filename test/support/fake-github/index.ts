/**
 * Fake GitHub REST API for integration tests. See `server.ts` for what it validates and
 * `handlers.ts` for the operations it implements.
 */
export { startFakeGitHub } from './server.js';
export type { FakeGitHub, Fault, Violation, RequestLogEntry, BeforeHook } from './server.js';
export { FakeState, FakeRepo } from './state.js';
export type * from './state.js';
