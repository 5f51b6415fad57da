/**
 * The modules every atServer starts, in order (see module-registry.ts for the contract).
 * The notification stack registers itself here.
 */
import type { AtServerModule } from './module-registry.js';
import { notificationModule } from './notifications/notification-module.js';

export const AT_SERVER_MODULES: readonly AtServerModule[] = [notificationModule] as AtServerModule[];
