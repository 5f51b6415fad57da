/**
 * The network layer: TLS connections to atServers and the atDirectory, framing, lookups,
 * backoff. Knows the wire, not the meaning of keys or any crypto.
 */
export * from './errors.js';
export * from './tls-options.js';
export * from './response-reader.js';
export * from './connection.js';
export * from './backoff.js';
export * from './directory.js';
