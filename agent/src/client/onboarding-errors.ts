/**
 * What can go wrong while onboarding an atSign, said so that the user knows two things: which
 * step failed, and what state the atSign is left in (can they simply try again? are they
 * done but for one step?). Messages never contain the CRAM secret or key material.
 */
import { AtProtocolError } from '../protocol/index.js';

/** The steps of onboarding, in the order they run, with the words used in messages. */
export const ONBOARDING_STEPS = {
  checkKeysFile: 'check that the .atKeys file can be written',
  generateKeys: 'generate the PKAM and encryption key pairs and the self encryption key',
  connect: "find and connect to the atSign's atServer",
  cram: 'authenticate with the CRAM secret',
  storePkamKey: 'store the PKAM public key (update:privatekey:at_pkam_publickey)',
  writeKeysFile: 'write the .atKeys file',
  pkam: 'authenticate again with the new PKAM key',
  publishEncryptionKey: 'publish the encryption public key (public:publickey)',
  disableCram: 'disable CRAM (delete:privatekey:at_secret)',
} as const;

export type OnboardingStep = keyof typeof ONBOARDING_STEPS;

/**
 * Where an interrupted onboarding leaves the atSign. The steps are ordered so that every
 * state but the last keeps CRAM enabled: a failure never locks the user out.
 */
export type OnboardingState =
  /** Nothing was changed on the atServer and no keys file was written. */
  | 'unchanged'
  /** The server may hold a new PKAM public key whose private half was not saved; CRAM still works. */
  | 'pkam-key-not-saved'
  /** The keys file is written, but onboarding is incomplete and CRAM still works. */
  | 'keys-file-written'
  /** Usable with the keys file; only disabling CRAM is not confirmed. */
  | 'usable-cram-enabled';

function stateSentence(state: OnboardingState, atSign: string, keysPath: string): string {
  switch (state) {
    case 'unchanged':
      return 'Nothing was changed on the atServer and no keys file was written.';
    case 'pkam-key-not-saved':
      return (
        `The atServer may now hold a new PKAM public key whose private half was not saved; CRAM is still enabled, ` +
        `so fix the problem and onboard ${atSign} again (new keys replace that one).`
      );
    case 'keys-file-written':
      return (
        `The keys were written to ${keysPath}, but onboarding is not complete and CRAM is still enabled: ` +
        `onboard ${atSign} again with overwrite (--overwrite) to start over with new keys.`
      );
    case 'usable-cram-enabled':
      return (
        `${atSign} is usable with the keys in ${keysPath}, but CRAM may still be enabled, so anyone holding the secret ` +
        `could take the atSign over: finish with \`atagent exec --atsign ${atSign} --keys ${keysPath} 'delete:privatekey:at_secret'\`.`
      );
  }
}

/** The AT code of a cause, or AT0014 (the SDKs' client-side catch-all) for local failures. */
function codeOf(cause: unknown): string {
  return cause instanceof AtProtocolError ? cause.code : 'AT0014';
}

function detailOf(cause: unknown): string {
  if (cause instanceof AtProtocolError) return cause.detail;
  if (cause instanceof Error) return cause.message;
  return String(cause);
}

/**
 * Onboarding stopped. `code` is the cause's AT code (AT0401 for a refused CRAM secret), or
 * AT0014 for a local failure such as an unwritable or existing keys file (see `cause`).
 */
export class OnboardingError extends AtProtocolError {
  readonly atSign: string;
  readonly step: OnboardingStep;
  readonly state: OnboardingState;
  readonly keysPath: string;

  /** `reason` replaces the cause's own message when that is worded for another context. */
  constructor(init: { atSign: string; step: OnboardingStep; state: OnboardingState; keysPath: string; cause: unknown; reason?: string }) {
    super(
      codeOf(init.cause),
      `onboarding ${init.atSign} failed at step '${ONBOARDING_STEPS[init.step]}': ${(init.reason ?? detailOf(init.cause)).replace(/\.$/, '')}. ` +
        stateSentence(init.state, init.atSign, init.keysPath),
      { cause: init.cause },
    );
    this.atSign = init.atSign;
    this.step = init.step;
    this.state = init.state;
    this.keysPath = init.keysPath;
  }
}

/**
 * The atServer refused the CRAM secret (AT0401): either the secret is wrong, or the atSign
 * was onboarded already and CRAM is disabled, told apart by its published public key
 * (`alreadyOnboarded` undefined when that lookup was not possible).
 */
export class CramRefusedError extends AtProtocolError {
  readonly alreadyOnboarded: boolean | undefined;

  constructor(atSign: string, alreadyOnboarded: boolean | undefined, options?: ErrorOptions) {
    super('AT0401', CramRefusedError.#explain(atSign, alreadyOnboarded), options);
    this.alreadyOnboarded = alreadyOnboarded;
  }

  static #explain(atSign: string, alreadyOnboarded: boolean | undefined): string {
    if (alreadyOnboarded === true) {
      return (
        `the atServer refused CRAM because ${atSign} is already onboarded (its encryption public key is published and CRAM ` +
        `is disabled after onboarding); use the .atKeys file made then`
      );
    }
    if (alreadyOnboarded === false) return `the atServer refused the CRAM secret of ${atSign}: check that it is the secret issued for this atSign`;
    return `the atServer refused the CRAM secret of ${atSign}: either the secret is wrong, or ${atSign} is already onboarded (CRAM is disabled then)`;
  }
}
