// The tfjs member lists behind the "not implemented" errors (src/tfjs-names.ts) are tfjs 4.22's own:
// a tfjs upgrade that adds or renames a member fails here instead of leaving a stale list.
import { describe, expect, it } from 'vitest';
import { TFJS_NAMESPACE_MEMBERS } from '../../src/tfjs-names.js';
import { tfjs } from './tfjs.js';

describe('tfjs namespace member lists', () => {
  it('equal the installed tfjs-layers and tfjs-core namespaces', async () => {
    const { tf, tfl } = await tfjs();
    const from = (ns: object) => Object.keys(ns).sort();
    const layers = tfl as unknown as Record<string, object>;
    for (const name of ['layers', 'initializers', 'regularizers', 'constraints', 'metrics', 'callbacks'] as const) {
      expect([...TFJS_NAMESPACE_MEMBERS[name]], name).toEqual(from(layers[name]));
    }
    const core = tf as unknown as Record<string, object>;
    for (const name of ['train', 'losses', 'util', 'io'] as const) expect([...TFJS_NAMESPACE_MEMBERS[name]], name).toEqual(from(core[name]));
  });
});
