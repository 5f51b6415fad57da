/**
 * The root `atagent` program: it only lets each command module (commands.ts) register
 * itself; the commands live in their own files.
 */
import { Command } from 'commander';
import { CLI_COMMAND_MODULES } from './commands.js';

export function buildProgram(): Command {
  const program = new Command('atagent')
    .description('End-to-end-encrypted IoT agent for the atsign @platform')
    .showHelpAfterError('(run with --help for usage)');
  for (const module of CLI_COMMAND_MODULES) module.register(program);
  return program;
}
