export { startDirectoryServer, type DirectoryServer, type DirectoryServerOptions } from './directory-server.js';
export {
  registryKey,
  registryValue,
  DirectoryError,
  InvalidRegistrationError,
  RegistryUnavailableError,
  MAX_ATSIGN_KEY_LENGTH,
  type DirectoryRegistry,
  type DirectoryErrorCode,
} from './registry.js';
export { openLocalRegistry, type LocalRegistryOptions } from './local-registry.js';
export { openRedisRegistry, type RedisRegistryOptions } from './redis-registry.js';
