/**
 * Every CLI command module, in the order `atagent --help` lists them. Adding a command is one
 * module file and one line here.
 */
import type { CliCommandModule } from './command-module.js';
import { deleteCommand } from './commands/delete.js';
import { execCommand } from './commands/exec.js';
import { getCommand } from './commands/get.js';
import { monitorCommand } from './commands/monitor.js';
import { notifyCommand } from './commands/notify.js';
import { onboardCommand } from './commands/onboard.js';
import { putCommand } from './commands/put.js';
import { scanCommand } from './commands/scan.js';
import { demoCommand } from './demo-command.js';
import { serverCommand } from './server-command.js';

export const CLI_COMMAND_MODULES: readonly CliCommandModule[] = [
  getCommand,
  putCommand,
  deleteCommand,
  scanCommand,
  notifyCommand,
  monitorCommand,
  execCommand,
  onboardCommand,
  serverCommand,
  demoCommand,
];
