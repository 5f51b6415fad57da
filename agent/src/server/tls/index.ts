export { ensureServerTls, type ServerTls, type ServerTlsOptions } from './server-tls.js';
export { TlsError, TlsMaterialError, TlsConfigError, type TlsErrorCode } from './errors.js';
