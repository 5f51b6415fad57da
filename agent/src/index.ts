// The package's public entry: a plain list of re-exports, one line per layer.
export * from './crypto/index.js';
export * from './protocol/index.js';
export * from './net/index.js';
export * from './client/index.js';
