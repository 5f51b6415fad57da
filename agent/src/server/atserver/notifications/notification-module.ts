/**
 * The notification stack as an atServer module: started with each atSign's server, reached
 * by the notification verbs through `server.module(NOTIFICATIONS)`.
 */
import { ModuleKey, type AtServerModule } from '../module-registry.js';
import { NotificationService } from './notification-service.js';

export const NOTIFICATIONS = new ModuleKey<NotificationService>('notifications');

export const notificationModule: AtServerModule<NotificationService> = {
  key: NOTIFICATIONS,
  start: (server) => new NotificationService(server),
};
