// Deno: the library's ESM bundle loads a Keras 3 .keras fixture from its bytes and from a file://
// URL and predicts; prints one JSON line with the largest difference from Keras's outputs.
// Usage: deno run --allow-read test/deno/keras-file.mjs   (after npm run build)
const wl = await import(new URL('../../dist/browser/wasm-layers.js', import.meta.url).href);
const dir = new URL('../fixtures/keras3/stacked_gru/', import.meta.url);
const c = JSON.parse(await Deno.readTextFile(new URL('case.json', dir)));
const bytes = await Deno.readFile(new URL('model.keras', dir));
const x = wl.tensor(Float32Array.from(c.inputs[0].data), c.inputs[0].shape);
const diffs = [];
for (const model of [await wl.loadLayersModel(bytes), await wl.loadLayersModel(new Blob([bytes]))]) {
  const y = (await model.predict(x, { workers: 0 })).dataSync();
  diffs.push(Math.max(...c.outputs[0].data.map((v, i) => Math.abs(v - y[i]))));
}
console.log(JSON.stringify({ diffs, shape: c.outputs[0].shape }));
