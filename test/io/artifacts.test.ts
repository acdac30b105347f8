// The TF.js layers format's own checks, called directly (test/hardening/untrusted-files.test.ts goes
// through loadLayersModel): every malformed manifest entry, buffer or model.json outline is refused
// naming what is wrong, and what is well formed at the edges (shape [0], 8 axes, names that only
// look like `X:0`) is taken. Written for the survivors of the mutation run (docs/RELIABILITY.md).
import { describe, it, expect } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { decodeWeights, encodeWeights, firstNonFinite, parseModelJSON, type WeightSpec } from '../../src/io/artifacts.js';

const f32 = (name: string, shape: number[]): WeightSpec => ({ name, shape, dtype: 'float32' });
const bytes = (...values: number[]) => Float32Array.from(values).buffer;

describe('decodeWeights', () => {
  it('splits the buffer by the specs, in order', () => {
    const out = decodeWeights([f32('a', [2]), f32('b', [1, 1])], bytes(1, 2, 3));
    expect([...out.get('a')!.values]).toEqual([1, 2]);
    expect([...out.get('b')!.values]).toEqual([3]);
  });

  const refused: [string, unknown, ArrayBuffer, RegExp][] = [
    ['weight data that is not an ArrayBuffer', [f32('a', [1])], new Float32Array(1) as unknown as ArrayBuffer, /The weight data must be an ArrayBuffer/],
    ['an entry that is not an object', [f32('a', [1]), 5], bytes(1, 2), /The weights manifest's weight 1 \(.*\) is not an object/],
    ['an entry without a name', [{ shape: [1], dtype: 'float32' }], bytes(1), /weight 0 \(undefined\) has no name/],
    ['an empty name', [f32('', [1])], bytes(1), /has no name/],
    ['a shape of 9 axes', [f32('a', [1, 1, 1, 1, 1, 1, 1, 1, 1])], bytes(1), /weight 0 \("a"\): the shape must be up to 8 non-negative integers/],
    ['a negative dimension', [f32('a', [-1])], bytes(1), /the shape must be up to 8 non-negative integers/],
    ['a shape that is not an array', [{ name: 'a', shape: 3, dtype: 'float32' }], bytes(1, 2, 3), /the shape must be/],
  ];
  for (const [what, specs, data, message] of refused) {
    it(`refuses ${what}`, () => {
      expect(() => decodeWeights(specs, data)).toThrow(ValueError);
      expect(() => decodeWeights(specs, data)).toThrow(message);
    });
  }

  it('takes a shape of 8 axes and a weight of shape [0]', () => {
    const out = decodeWeights([f32('a', [1, 1, 1, 1, 1, 1, 1, 2]), f32('empty', [0, 3])], bytes(1, 2));
    expect([...out.get('a')!.values]).toEqual([1, 2]);
    expect(out.get('empty')!.values.length).toBe(0);
  });

  it('refuses X and X:0 in either order, naming both', () => {
    expect(() => decodeWeights([f32('w', [1]), f32('w:0', [1])], bytes(1, 2))).toThrow(/names both "w" and "w:0", which are the same weight/);
    expect(() => decodeWeights([f32('w:0', [1]), f32('w', [1])], bytes(1, 2))).toThrow(/names both "w:0" and "w", which are the same weight/);
  });

  it('takes names that only contain ":0" elsewhere, in either order', () => {
    expect([...decodeWeights([f32('dense:0/kernel', [1]), f32('dense/kernel', [1])], bytes(1, 2)).keys()]).toEqual(['dense:0/kernel', 'dense/kernel']);
    expect([...decodeWeights([f32('dense/kernel', [1]), f32('dense:0/kernel', [1])], bytes(1, 2)).keys()]).toEqual(['dense/kernel', 'dense:0/kernel']);
  });

  it('names the position of a non-finite value in the weight\'s shape', () => {
    expect(() => decodeWeights([f32('k', [2, 3])], bytes(0, 0, 0, 0, Number.NaN, 0))).toThrow('Saved weight "k" holds NaN at [1, 1]');
    expect(firstNonFinite(Float32Array.of(0, 0, 0, 0, 0, Infinity), [2, 3])).toEqual({ value: Infinity, at: '[1, 2]' });
    expect(firstNonFinite(Float32Array.of(1, 2), [2])).toBeNull();
  });

  it('refuses a buffer longer than the manifest describes', () => {
    expect(() => decodeWeights([f32('a', [1])], bytes(1, 2))).toThrow('The weight data has 8 bytes, but the manifest describes 4');
  });

  it('round-trips what encodeWeights writes, int32 and groups included', () => {
    const { weightSpecs, weightData } = encodeWeights([
      { name: 'iter', shape: [], values: Int32Array.of(7), group: 'optimizer' },
      { name: 'k', shape: [2], values: Float32Array.of(0.5, -1) },
    ]);
    expect(weightSpecs).toEqual([{ name: 'iter', shape: [], dtype: 'int32', group: 'optimizer' }, { name: 'k', shape: [2], dtype: 'float32' }]);
    const out = decodeWeights(weightSpecs, weightData);
    expect(out.get('iter')!.values).toEqual(Int32Array.of(7));
    expect(out.get('iter')!.group).toBe('optimizer');
    expect(out.get('k')!.values).toEqual(Float32Array.of(0.5, -1));
  });
});

describe('parseModelJSON', () => {
  const manifest = [{ paths: ['weights.bin'], weights: [] }];
  const ok = { format: 'layers-model', modelTopology: { class_name: 'Sequential' }, weightsManifest: manifest };

  it('returns a well-formed model.json', () => {
    expect(parseModelJSON(JSON.stringify(ok))).toEqual(ok);
  });

  const refused: [string, string, RegExp][] = [
    ['text that is not JSON', '{', /model.json is not valid JSON/],
    ['null', 'null', /model.json must hold a JSON object/],
    ['a number', '3', /model.json must hold a JSON object/],
    ['an array', '[]', /model.json must hold a JSON object/],
    ['no modelTopology', JSON.stringify({ weightsManifest: manifest }), /model.json has no modelTopology object/],
    ['a modelTopology of null', JSON.stringify({ ...ok, modelTopology: null }), /no modelTopology object/],
    ['a modelTopology that is a string', JSON.stringify({ ...ok, modelTopology: 'x' }), /no modelTopology object/],
    ['no weightsManifest', JSON.stringify({ modelTopology: {} }), /needs a weightsManifest/],
    ['a manifest group of null', JSON.stringify({ ...ok, weightsManifest: [null] }), /needs a weightsManifest/],
    ['a group without paths', JSON.stringify({ ...ok, weightsManifest: [{ weights: [] }] }), /needs a weightsManifest/],
    ['a group without weights', JSON.stringify({ ...ok, weightsManifest: [{ paths: [] }] }), /needs a weightsManifest/],
    ['a path that is not a string', JSON.stringify({ ...ok, weightsManifest: [{ paths: ['a', 3], weights: [] }] }), /needs a weightsManifest/],
    ['a second group that is malformed', JSON.stringify({ ...ok, weightsManifest: [...manifest, { paths: 'x', weights: [] }] }), /needs a weightsManifest/],
  ];
  for (const [what, text, message] of refused) {
    it(`refuses ${what}`, () => {
      expect(() => parseModelJSON(text)).toThrow(ValueError);
      expect(() => parseModelJSON(text)).toThrow(message);
    });
  }
});
