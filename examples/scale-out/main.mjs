// Train here, continue in Keras 3 on many devices, come back: the JavaScript steps of
// docs/scale-out.md. Run: node examples/scale-out/main.mjs [dir]
//   1. this script trains an LSTM tagger and writes <dir>/model.keras;
//   2. python examples/scale-out/continue_in_keras.py <dir>/model.keras <dir>/trained.keras  (Keras 3)
//   3. node examples/scale-out/main.mjs <dir> again: it finds trained.keras and predicts with it.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as wl from 'wasm-layers';
import { loadAndPredict, sequences, trainAndSave } from './steps.mjs';

const dir = process.argv[2] ?? 'scale-out-run';
mkdirSync(dir, { recursive: true });
const trained = join(dir, 'trained.keras');
if (existsSync(trained)) {
  const { x, y } = sequences(64, { seed: 2 });
  const { predictions } = await loadAndPredict(trained, x);
  const right = predictions.argMax(-1).equal(y).toFloat().mean().dataSync()[0];
  console.log(`Loaded ${trained} (trained further in Keras): accuracy on fresh sequences ${right.toFixed(3)}`);
} else {
  const { history } = await trainAndSave(join(dir, 'model.keras'));
  console.log(`Trained here: loss ${history.history.loss.map((l) => l.toFixed(3)).join(' → ')}; wrote ${join(dir, 'model.keras')}`);
  console.log(`Next: python examples/scale-out/continue_in_keras.py ${join(dir, 'model.keras')} ${trained}, then run this script again.`);
}
await wl.shutdown();
