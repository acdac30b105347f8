// Deno entry of the shared parity suite: imports the library's ESM bundle as a Deno user would,
// runs the cases, trains the seed model1 on Web Workers and checks 'auto', then prints one JSON line.
import type * as WL from '../../src/index.js';
import { runParity } from '../shared/parity-cases.js';
import { trainSeedModel1 } from '../shared/train-seed.js';
import { autoWorkers } from '../shared/auto-workers.js';

const wl = (await import(new URL('../browser/wasm-layers.js', import.meta.url).href)) as typeof WL;
const results = await runParity(wl);
const training = await trainSeedModel1(wl, { workers: 2, epochs: 2 });
const auto = await autoWorkers(wl);
console.log(JSON.stringify({ results, training, auto }));
