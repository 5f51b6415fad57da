/**
 * The embedded @platform: an atDirectory and atServers for many atSigns in one process.
 * `startPlatform` is what `atagent server`, `atagent demo` and the tests use; the pieces
 * (one atSign's server, the verb registry, the module seam) are exported for whoever
 * extends the server. The demo atSigns (demo/index.js) are not re-exported here: startPlatform
 * loads their key material only with `demo: true`, and importing this index must not.
 */
export {
  startPlatform,
  newCramSecret,
  type Platform,
  type PlatformOptions,
  type AtSignKeys,
  type RegisteredAtSign,
} from './atserver/platform.js';
export { AtSignServer, type AtSignServerOptions, type AtSignServerTls } from './atserver/at-sign-server.js';
export type { AtSignServerContext } from './atserver/server-context.js';
export {
  DEFAULT_LIMITS,
  DEFAULT_TIMINGS,
  SERVER_VERSION,
  consoleLogger,
  silentLogger,
  resolveTuning,
  type AtServerLimits,
  type AtServerTimings,
  type AtServerTuning,
  type AtServerLogger,
} from './atserver/server-options.js';
export { ManualClock, systemClock, type Clock } from './atserver/clock.js';
export { ModuleKey, type AtServerModule, type ModuleInstance } from './atserver/module-registry.js';
export type { VerbHandler, VerbContext, VerbReply } from './atserver/verb-handler.js';
export type { KeyChange, KeyChangeListener, KeyChangeOrigin } from './atserver/key-events.js';
export type { StoredRecord, StoredMetadata } from './atserver/keys/stored-record.js';
