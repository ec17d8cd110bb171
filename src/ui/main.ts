/**
 * The page's entry: its code is loaded in stages, each module evaluated in a
 * task of its own. Evaluated at once (the scenario schema's hundreds of zod
 * types, Chart.js, the YAML parser and the page) it held the main thread for
 * some 50 ms (goal: no task over 50 ms; `npm run bench`). The modules of a stage
 * do not import each other, so they are fetched together; page.ts brings the
 * rest and opens the page.
 */
const stages = [
  () => [import('zod'), import('chart.js'), import('yaml')],
  () => [import('../engine/schema/tissue.ts'), import('../engine/schema/clinical.ts')],
  () => [import('../engine/schema.ts')],
  () => [import('./page.ts')],
];

async function load(): Promise<void> {
  for (const stage of stages) await Promise.all(stage());
}

void load();
