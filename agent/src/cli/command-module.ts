/**
 * The contract every `atagent <command>` module fulfils. main.ts knows nothing about the
 * commands themselves: it hands the root program to each module listed in commands.ts.
 */
import type { Command } from 'commander';

export interface CliCommandModule {
  /** Shown in errors about the module itself. */
  readonly name: string;
  /** Adds the module's command(s) (and their options and actions) to `program`. */
  register(program: Command): void;
}
