/**
 * Per-atSign services that live beside the verbs (the notification stack: queue, receiver,
 * monitor fan-out). A module is started with the atSign's server once its key store,
 * outbound pool and dispatcher exist, and closed before the storage is. Verb handlers reach
 * a module's instance through `server.module(KEY)`.
 *
 * Adding one: export a `ModuleKey<T>` and an `AtServerModule<T>` from its own file, and add
 * it to AT_SERVER_MODULES in modules.ts.
 */
import type { AtSignServerContext } from './server-context.js';

/** A typed name for a module instance. */
export class ModuleKey<T> {
  readonly name: string;
  declare readonly type: T;

  constructor(name: string) {
    this.name = name;
  }
}

export interface ModuleInstance {
  /** Stop timers and drop connections; the storage is still open when this runs. */
  close?(): void | Promise<void>;
}

export interface AtServerModule<T extends ModuleInstance = ModuleInstance> {
  readonly key: ModuleKey<T>;
  start(server: AtSignServerContext): T | Promise<T>;
}
