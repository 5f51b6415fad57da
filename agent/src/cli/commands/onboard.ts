/**
 * `atagent onboard --atsign @x`: first use of an atSign. Reads its CRAM secret, generates the
 * keys, registers them with the atServer, writes the `.atKeys` file and disables CRAM (see
 * client/onboarding.ts). The secret is best given as a file or on stdin: on the command line
 * (`--cram-secret`) every user of the machine can read it in `ps`.
 */
import type { Command } from 'commander';
import { onboard, ONBOARDING_STEPS } from '../../client/index.js';
import { atSignOf, caOption, debugOption, rootOption, type ClientFlags } from '../client-options.js';
import type { CliCommandModule } from '../command-module.js';
import { CliUsageError, runAction } from '../run-action.js';
import { readSecret } from '../secret-input.js';

interface OnboardFlags extends Pick<ClientFlags, 'atsign' | 'keys' | 'root' | 'ca' | 'debug'> {
  readonly cramSecret?: string | undefined;
  readonly cramSecretFile?: string | undefined;
  readonly overwrite?: boolean | undefined;
}

async function cramSecretOf(flags: OnboardFlags): Promise<string> {
  if (flags.cramSecret !== undefined && flags.cramSecretFile !== undefined) {
    throw new CliUsageError('give --cram-secret or --cram-secret-file, not both');
  }
  if (flags.cramSecret !== undefined) {
    process.stderr.write('atagent: warning: a secret on the command line is visible to other users (ps); prefer --cram-secret-file FILE or stdin\n');
    if (flags.cramSecret.trim() === '') throw new CliUsageError('the CRAM secret is empty');
    return flags.cramSecret;
  }
  return readSecret({ file: flags.cramSecretFile, what: 'CRAM secret' });
}

async function runOnboard(flags: OnboardFlags): Promise<void> {
  const atSign = atSignOf(flags);
  const cramSecret = await cramSecretOf(flags);
  process.stdout.write(`onboarding ${atSign} (atDirectory ${flags.root})\n`);
  const result = await onboard({
    atSign,
    cramSecret,
    root: flags.root,
    ca: flags.ca,
    keysPath: flags.keys,
    overwrite: flags.overwrite,
    onStep: (step) => process.stdout.write(`  - ${ONBOARDING_STEPS[step]}\n`),
  });
  process.stdout.write(
    `${result.atSign} is onboarded (atServer ${result.address}); CRAM is now disabled.\n` +
      `Keys: ${result.keysPath} (mode 600). It holds the atSign's private keys and is the only way back in: keep it safe, back it up.\n`,
  );
}

export const onboardCommand: CliCommandModule = {
  name: 'onboard',
  register(program: Command): void {
    program
      .command('onboard')
      .description('first use of an atSign: generate its keys with the CRAM secret, write the .atKeys file, disable CRAM')
      .option('-a, --atsign <atSign>', 'the atSign to onboard (default: $ATAGENT_ATSIGN)')
      .option('--cram-secret-file <file>', "read the CRAM secret from this file ('-': stdin; default: stdin, typed unechoed at a terminal)")
      .option('--cram-secret <secret>', 'the CRAM secret itself (visible to other users in ps: prefer --cram-secret-file)')
      .option('-k, --keys <file>', 'where to write the .atKeys file (default: ~/.atsign/keys/@<atsign>_key.atKeys)')
      .addOption(rootOption())
      .addOption(caOption())
      .option('--overwrite', 'replace an existing keys file (its keys are lost)')
      .addOption(debugOption())
      .action(runAction(runOnboard));
  },
};
