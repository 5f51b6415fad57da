/**
 * The root `atagent` program: it only lets each command module (commands.ts) register
 * itself; the commands live in their own files.
 */
import { Command } from 'commander';
import { CLI_COMMANDS } from './commands.js';

/**
 * The program for `argv` (process.argv form): with only the module of the command it names,
 * or with every command when it names none or an unknown one (help, usage errors).
 */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('atagent')
    .description('End-to-end-encrypted IoT agent for the atsign @platform')
    .showHelpAfterError('(run with --help for usage)');
  const named = CLI_COMMANDS.find((entry) => entry.name === argv[2]);
  for (const entry of named === undefined ? CLI_COMMANDS : [named]) {
    const module = await entry.load();
    if (module.name !== entry.name) throw new Error(`commands.ts lists '${entry.name}' but its module registers '${module.name}'`);
    module.register(program);
  }
  return program;
}
