/**
 * Every CLI command module, in the order `atagent --help` lists them. Adding a command is one
 * module file and one line here.
 */
import type { CliCommandModule } from './command-module.js';
import { serverCommand } from './server-command.js';

export const CLI_COMMAND_MODULES: readonly CliCommandModule[] = [
  serverCommand,
];
