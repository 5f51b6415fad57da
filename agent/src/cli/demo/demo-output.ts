/**
 * How `atagent demo` talks: numbered steps, each with a few indented lines, on stdout. A step
 * that fails becomes a DemoStepError naming it, so the one-line error says where it broke.
 */
import { describeError } from '../run-action.js';

class DemoStepError extends Error {
  constructor(step: string, cause: unknown) {
    super(`demo step '${step}' failed: ${describeError(cause)}`, { cause });
    this.name = 'DemoStepError';
  }
}

/** At most `max` characters of `text`, with an ellipsis and the full length when cut. */
export function abbreviate(text: string, max = 32): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

export class DemoOutput {
  readonly #write: (text: string) => void;
  #stepNumber = 0;

  constructor(write: (text: string) => void = (text) => process.stdout.write(text)) {
    this.#write = write;
  }

  /** A line outside any step. */
  say(text: string): void {
    this.#write(`${text}\n`);
  }

  /** One line belonging to the current step. */
  line(text: string): void {
    this.#write(`   ${text}\n`);
  }

  /** Prints the step's title and runs it; a failure is rethrown as a DemoStepError. */
  async step<T>(title: string, body: () => Promise<T>): Promise<T> {
    this.#stepNumber++;
    this.#write(`${this.#stepNumber}. ${title}\n`);
    try {
      return await body();
    } catch (error) {
      throw error instanceof DemoStepError ? error : new DemoStepError(title, error);
    }
  }
}
