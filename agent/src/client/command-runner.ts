/** What the key caches need from a connection: one command, its `data:` payload back. */
export interface CommandRunner {
  data(command: string): Promise<string>;
}
