/**
 * The @protocol layer: pure functions and types shared by the client and the server.
 * No I/O happens below this file.
 */
export * from './errors.js';
export * from './atsign.js';
export * from './key-types.js';
export * from './at-key.js';
export * from './at-date.js';
export * from './metadata.js';
export * from './metadata-json.js';
export * from './key-value-json.js';
export * from './verb-grammar.js';
export * from './verb-commands.js';
export { parseVerb, parseDispatchedVerb, dispatchForm, dispatchVerb } from './verb-parser.js';
export * from './commands.js';
export * from './response.js';
export * from './response-format.js';
export * from './notification.js';
export * from './root.js';
