/** The AtClient SDK: encrypted put/get, notifications, monitors. */
export * from './errors.js';
export * from './preferences.js';
export * from './auth.js';
export { openAuthenticated, ServerSession, isPermanentFailure, type SessionSettings } from './session.js';
export * from './key-resolver.js';
export { ValueCodec, keyRole, type AtValueData, type DecodedValue, type EncodedValue, type KeyRole } from './value-codec.js';
export * from './notification-decoder.js';
export * from './monitor.js';
export * from './at-client.js';
export * from './registry.js';
export * from './onboarding-errors.js';
export { onboard, type OnboardOptions, type OnboardResult } from './onboarding.js';
