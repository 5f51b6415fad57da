/**
 * The raw line client, plus the atDirectory's one exchange: a lookup line answered with
 * `<address>\r\n@` (its prompt is not the atServer's `\n<prompt>`).
 */
import { LineClient } from '../../helpers/line-client.js';

export class DirectoryTestClient extends LineClient {
  /** Sends one lookup line and returns the answer (without its `\r\n@`). */
  async lookup(line: string): Promise<string> {
    await this.write(`${line}\n`);
    return this.readUntil('\r\n@');
  }
}
