/**
 * `npm run bench [filter]`: runs every benchmark module (or those whose name contains
 * `filter`) one after another in this process; each prints its own table. A module exports
 * `run(): Promise<void>`. Add new benchmarks to BENCHES.
 */
interface BenchModule {
  run(): Promise<void>;
}

const BENCHES: ReadonlyArray<{ name: string; load: () => Promise<BenchModule> }> = [
  { name: 'crypto', load: () => import('./crypto.js') },
  { name: 'server', load: () => import('./server.js') },
  { name: 'client', load: () => import('./client.js') },
];

const filter = process.argv[2];
const selected = BENCHES.filter(({ name }) => filter === undefined || name.includes(filter));
if (selected.length === 0) {
  console.error(`no benchmark matches '${filter}'; available: ${BENCHES.map((b) => b.name).join(', ')}`);
  process.exit(1);
}
for (const { name, load } of selected) {
  console.log(`\n## ${name}\n`);
  await (await load()).run();
}
