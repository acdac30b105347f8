/**
 * model.summary() in Keras 2's layout (keras/utils/layer_utils.py print_summary): 65 columns ending at
 * 29, 55, 65 for a chain of layers; 98 columns with "Connected to" otherwise, one inbound tensor per
 * line as `layer[node][tensor]`.
 */
import { pythonTuple } from '../errors.js';
import type { Topology } from '../graph/topology.js';
import type { Layer } from '../layers/layer.js';

export interface SummaryOptions {
  lineLength?: number;
  /** Column ends, as fractions of lineLength (≤ 1) or absolute positions. */
  positions?: number[];
  printFn?: (line: string) => void;
}

function row(fields: string[], positions: number[]): string {
  let line = '';
  fields.forEach((field, i) => {
    if (i > 0) line = line.slice(0, -1) + ' ';
    line += field;
    line = line.slice(0, positions[i]);
    line += ' '.repeat(Math.max(positions[i] - line.length, 0));
  });
  return line;
}

/** Thousands separators as Python's '{:,}'. */
function withCommas(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A layer's output shape as Keras 2 prints it: one shape, a list for several outputs, 'multiple' for a layer called with different shapes. */
function outputShapeText(topology: Topology, layer: Layer): string {
  const input = topology.inputs.find((t) => t.sourceLayer === layer);
  if (input) return pythonTuple(input.shape);
  const texts = new Set(topology.callsOf(layer).map((n) => (n.outputs.length === 1 ? pythonTuple(n.outputs[0].shape) : `[${n.outputs.map((t) => pythonTuple(t.shape)).join(', ')}]`)));
  return texts.size === 1 ? [...texts][0] : 'multiple';
}

export function printSummary(topology: Topology, layers: Layer[], { lineLength, positions, printFn = (l) => console.log(l) }: SummaryOptions): void {
  const chain = topology.isChain;
  const width = lineLength ?? (chain ? 65 : 98);
  let cols = positions ?? (chain ? [0.45, 0.85, 1] : [0.33, 0.55, 0.67, 1]);
  if (cols[cols.length - 1] <= 1) cols = cols.map((p) => Math.floor(width * p));
  const headers = ['Layer (type)', 'Output Shape', 'Param #', ...(chain ? [] : ['Connected to'])];
  printFn('_'.repeat(width));
  printFn(row(headers, cols));
  printFn('='.repeat(width));
  layers.forEach((layer, i) => {
    const fields = [`${layer.name} (${layer.className})`, outputShapeText(topology, layer), String(layer.countParams())];
    if (chain) printFn(row(fields, cols));
    else {
      const connections = topology.callsOf(layer).flatMap((n) => n.inputs.map((t) => `${t.sourceLayer.name}[${t.nodeIndex}][${t.outputIndex}]`));
      printFn(row([...fields, connections[0] ?? ''], cols));
      for (const c of connections.slice(1)) printFn(row(['', '', '', c], cols));
    }
    printFn((i === layers.length - 1 ? '=' : '_').repeat(width));
  });
  const unique = [...new Set(layers)];
  const trainable = unique.reduce((n, l) => n + l.trainableWeights.reduce((s, v) => s + v.size, 0), 0);
  const nonTrainable = unique.reduce((n, l) => n + l.nonTrainableWeights.reduce((s, v) => s + v.size, 0), 0);
  printFn(`Total params: ${withCommas(trainable + nonTrainable)}`);
  printFn(`Trainable params: ${withCommas(trainable)}`);
  printFn(`Non-trainable params: ${withCommas(nonTrainable)}`);
  printFn('_'.repeat(width));
}
