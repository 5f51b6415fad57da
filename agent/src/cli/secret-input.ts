/**
 * Reading a secret (a CRAM secret) without putting it on the command line, where every user
 * of the machine can read it in `ps`: from a file, from piped stdin, or typed at the terminal
 * with echo off.
 */
import { readFile } from 'node:fs/promises';
import { text as readAll } from 'node:stream/consumers';
import { CliUsageError } from './run-action.js';

/** Reads one line from the terminal without echoing it; Ctrl-C or Ctrl-D abandons. */
function readHiddenLine(prompt: string): Promise<string> {
  const input = process.stdin;
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error === undefined) resolve(typed);
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      for (const character of chunk.toString('utf8')) {
        if (character === '\r' || character === '\n') return finish();
        if (character === '\u0003' || character === '\u0004') return finish(new CliUsageError('no secret entered'));
        if (character === '\u007f' || character === '\b') typed = typed.slice(0, -1);
        else typed += character;
      }
    };
    // Echo goes off before the prompt appears, so nothing typed after it can be echoed.
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
    process.stderr.write(prompt);
  });
}

/**
 * The secret from `file` (`-` is stdin), else from stdin: typed with echo off at a terminal,
 * or piped. Surrounding whitespace (the newline of `echo`) is dropped; empty is refused.
 */
export async function readSecret(options: { file?: string | undefined; what: string }): Promise<string> {
  let text: string;
  if (options.file !== undefined && options.file !== '-') {
    try {
      text = await readFile(options.file, 'utf8');
    } catch (error) {
      throw new CliUsageError(`cannot read the ${options.what} from ${options.file}: ${(error as Error).message}`);
    }
  } else if (process.stdin.isTTY) {
    text = await readHiddenLine(`${options.what} (not shown): `);
  } else {
    text = await readAll(process.stdin);
  }
  const secret = text.trim();
  if (secret === '') throw new CliUsageError(`the ${options.what} is empty`);
  return secret;
}
