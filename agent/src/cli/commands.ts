/**
 * Every CLI command, in the order `atagent --help` lists them, each module loaded only when
 * needed: running one command imports that command's module alone. `atagent server` runs
 * for months, and the client library the other commands import would otherwise stay in its
 * memory (~2 MiB of its start-up RSS, bench/server.ts). Adding a command is one module file
 * and one line here.
 */
import type { CliCommandModule } from './command-module.js';

export interface CliCommandEntry {
  /** The command's name on the command line (`atagent <name>`). */
  readonly name: string;
  load(): Promise<CliCommandModule>;
}

export const CLI_COMMANDS: readonly CliCommandEntry[] = [
  { name: 'get', load: async () => (await import('./commands/get.js')).getCommand },
  { name: 'put', load: async () => (await import('./commands/put.js')).putCommand },
  { name: 'delete', load: async () => (await import('./commands/delete.js')).deleteCommand },
  { name: 'scan', load: async () => (await import('./commands/scan.js')).scanCommand },
  { name: 'notify', load: async () => (await import('./commands/notify.js')).notifyCommand },
  { name: 'monitor', load: async () => (await import('./commands/monitor.js')).monitorCommand },
  { name: 'exec', load: async () => (await import('./commands/exec.js')).execCommand },
  { name: 'onboard', load: async () => (await import('./commands/onboard.js')).onboardCommand },
  { name: 'server', load: async () => (await import('./server-command.js')).serverCommand },
  { name: 'demo', load: async () => (await import('./demo-command.js')).demoCommand },
];
