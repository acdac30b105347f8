import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { KERNEL_NAMES } from '../../src/backend/kernels.js';
import { supportedVariant } from '../../src/backend/wasm-source.js';

// KERNEL_NAMES (which TypeScript ties to the Kernels interface) against what each build really
// exports: a kernel added to assembly/index.ts but not to the list, or one dropped from the module
// but still listed, fails here. The relaxed build is compiled where the runtime validates relaxed
// SIMD (the relaxed-simd project).
const BUILDS = [
  { name: 'simd', file: 'kernels-simd.wasm', runs: true },
  { name: 'relaxed', file: 'kernels-relaxed.wasm', runs: supportedVariant() === 'relaxed-simd' },
];

describe('the kernel list', () => {
  for (const build of BUILDS) {
    it.skipIf(!build.runs)(`is exactly the ${build.name} build's function exports`, () => {
      const bytes = readFileSync(new URL(`../../build/${build.file}`, import.meta.url));
      const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes));
      const functions = exports.filter((e) => e.kind === 'function').map((e) => e.name);
      expect([...functions].sort()).toEqual([...KERNEL_NAMES].sort());
      // and nothing else but the (imported) memory
      expect(exports.filter((e) => e.kind !== 'function').map((e) => `${e.kind} ${e.name}`)).toEqual(['memory memory']);
    });
  }
});
