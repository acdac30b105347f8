/**
 * Finds and compiles the kernel module in any runtime: a file next to the package in Node, a URL
 * fetched in browsers and Deno, or bytes / a compiled module handed in by the user. Picks the
 * relaxed-SIMD build where the runtime validates it, the SIMD build otherwise.
 */

/** Where the kernel module comes from: a URL (or URL string), its bytes, or a compiled module. */
export type WasmInput = URL | string | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

/** Overrides of the kernel module's location; either build may be given. */
export interface WasmSources {
  simd?: WasmInput;
  relaxed?: WasmInput;
}

export type KernelVariant = 'simd' | 'relaxed-simd';

/** Which build to run, and whether Node 20 may be switched to validate relaxed SIMD. */
export interface KernelChoice {
  /**
   * `'auto'` (default): the relaxed-SIMD build (fused multiply-add) where the runtime validates it,
   * the SIMD build otherwise. `'simd'`: always the SIMD build, whose results do not depend on whether
   * the CPU fuses multiply-adds. `'relaxed-simd'`: the relaxed build, or an error where the runtime
   * cannot run it.
   */
  variant?: 'auto' | KernelVariant;
  /**
   * Node 20 only (later Node versions, browsers and Deno validate relaxed SIMD by default): turn on
   * V8's `--experimental-wasm-relaxed-simd` with `v8.setFlagsFromString` before choosing, so the
   * relaxed build can run without the command-line flag. The flag is process-wide: it applies to
   * every WebAssembly module the process compiles from then on. Default false.
   */
  enableRelaxedSimdFlag?: boolean;
}

const DEFAULT_URLS = {
  simd: new URL('../../build/kernels-simd.wasm', import.meta.url),
  relaxed: new URL('../../build/kernels-relaxed.wasm', import.meta.url),
};

const zeros16 = new Array<number>(16).fill(0);
const v128Const = [0xfd, 0x0c, ...zeros16];

/** `(func (result v128) v128.const 0)`: validates wherever fixed-width SIMD is available. */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00,
  0x0a, 0x16, 0x01, 0x14, 0x00, ...v128Const, 0x0b,
]);

/** `(func (result v128) (f32x4.relaxed_madd c c c))`: validates where relaxed SIMD is available. */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00,
  0x0a, 0x3d, 0x01, 0x3b, 0x00, ...v128Const, ...v128Const, ...v128Const, 0xfd, 0x85, 0x02, 0x0b,
]);

/** Which kernel build this runtime can run, or null without WebAssembly SIMD. */
export function supportedVariant(): KernelVariant | null {
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(SIMD_PROBE)) return null;
  return WebAssembly.validate(RELAXED_PROBE) ? 'relaxed-simd' : 'simd';
}

/** Compiles the kernel build `choice` asks for (by default the best one this runtime runs). */
export async function compileKernels(
  sources: WasmSources = {},
  choice: KernelChoice = {},
): Promise<{ module: WebAssembly.Module; variant: KernelVariant }> {
  const flags = relaxedFlagWanted(choice) ? (await import('node:v8')).setFlagsFromString : null;
  const variant = chooseVariant(choice, flags);
  return { module: await compile(sourceOf(sources, variant)), variant };
}

/**
 * compileKernels without waiting: where the runtime can read the module and compile it synchronously
 * (Node and Deno, from a file or from bytes / a compiled module handed in), else null — a browser
 * fetches the module, and its main thread may not compile a large one synchronously.
 */
export function compileKernelsSync(
  sources: WasmSources = {},
  choice: KernelChoice = {},
): { module: WebAssembly.Module; variant: KernelVariant } | null {
  const v8 = relaxedFlagWanted(choice) ? nodeBuiltin<typeof import('node:v8')>('node:v8') : null;
  const variant = chooseVariant(choice, v8?.setFlagsFromString ?? null);
  const module = compileSync(sourceOf(sources, variant));
  return module ? { module, variant } : null;
}

/**
 * The build to run: `choice.variant`, or the best one this runtime validates ('auto'). `setFlags`
 * (Node 20's v8.setFlagsFromString, when the relaxed-SIMD flag may be turned on) enables it first.
 */
function chooseVariant(choice: KernelChoice, setFlags: ((flags: string) => void) | null): KernelVariant {
  let available = supportedVariant();
  if (available == null) {
    throw new Error(
      'wasm-layers needs WebAssembly with fixed-width SIMD (Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4, Deno); this runtime has none.',
    );
  }
  const requested = choice.variant ?? 'auto';
  if (available === 'simd' && requested !== 'simd' && setFlags && enableNodeRelaxedSimd(setFlags)) {
    available = 'relaxed-simd';
  }
  if (requested === 'relaxed-simd' && available !== 'relaxed-simd') {
    throw new Error(
      "The relaxed-SIMD kernel build was asked for (variant: 'relaxed-simd'), but this runtime does not validate relaxed SIMD, " +
        "so it can run only the 'simd' build. Node ≥ 22, Chrome ≥ 114 and Deno validate it; Node 20 does with " +
        '--experimental-wasm-relaxed-simd or ready({ enableRelaxedSimdFlag: true }).',
    );
  }
  return requested === 'auto' ? available : requested;
}

function sourceOf(sources: WasmSources, variant: KernelVariant): WasmInput {
  return variant === 'relaxed-simd' ? (sources.relaxed ?? DEFAULT_URLS.relaxed) : (sources.simd ?? DEFAULT_URLS.simd);
}

/** Whether Node 20's relaxed-SIMD flag is asked for and may matter (later Node versions no longer know it). */
function relaxedFlagWanted(choice: KernelChoice): boolean {
  return choice.enableRelaxedSimdFlag === true && choice.variant !== 'simd' && isNode() && nodeMajor() < 22;
}

async function compile(input: WasmInput): Promise<WebAssembly.Module> {
  if (input instanceof WebAssembly.Module) return input;
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) return WebAssembly.compile(input as BufferSource);
  const url = typeof input === 'string' ? new URL(input, import.meta.url) : input;
  if (url.protocol === 'file:' && isNode()) {
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(url).catch((cause: unknown) => {
      throw unreadable(url, cause);
    });
    return WebAssembly.compile(bytes);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Cannot fetch the kernel module at ${url.href}: HTTP ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  return type.startsWith('application/wasm')
    ? WebAssembly.compileStreaming(response)
    : WebAssembly.compile(await response.arrayBuffer());
}

/**
 * What lets this thread compile the kernel module synchronously: reading a file and compiling its
 * bytes where the runtime allows it (Node, Deno), else null. A seam: tests replace it to play a
 * browser's main thread.
 * @internal
 */
export const syncCompilation = {
  readFile: defaultReadFileSync(),
};

function defaultReadFileSync(): ((url: URL) => Uint8Array) | null {
  const deno = (globalThis as { Deno?: { readFileSync?: (url: URL) => Uint8Array } }).Deno;
  if (typeof deno?.readFileSync === 'function') return (url) => deno.readFileSync!(url);
  const fs = isNode() ? nodeBuiltin<typeof import('node:fs')>('node:fs') : null;
  return fs ? (url) => fs.readFileSync(url) : null;
}

function compileSync(input: WasmInput): WebAssembly.Module | null {
  if (input instanceof WebAssembly.Module) return input;
  const readFile = syncCompilation.readFile;
  if (!readFile) return null;
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) return new WebAssembly.Module(input as BufferSource);
  const url = typeof input === 'string' ? new URL(input, import.meta.url) : input;
  if (url.protocol !== 'file:') return null;
  let bytes: Uint8Array;
  try {
    bytes = readFile(url);
  } catch (cause) {
    throw unreadable(url, cause);
  }
  return new WebAssembly.Module(bytes as BufferSource);
}

function unreadable(url: URL, cause: unknown): Error {
  return new Error(`Cannot read the kernel module at ${url.href}: ${(cause as Error).message}. Was the package built (npm run build)?`);
}

/** A Node built-in module without waiting (process.getBuiltinModule, Node ≥ 20.16), or null. */
function nodeBuiltin<T>(name: string): T | null {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  return typeof get === 'function' ? (get(name) as T) : null;
}

/**
 * Node 20's V8 (11.3) implements relaxed SIMD behind `--experimental-wasm-relaxed-simd`; V8 reads
 * its wasm feature flags when it validates a module, so setting the flag at run time takes effect
 * for every module compiled afterwards, in this thread and in workers. Returns whether relaxed SIMD
 * validates now.
 */
function enableNodeRelaxedSimd(setFlagsFromString: (flags: string) => void): boolean {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(RELAXED_PROBE);
}

function nodeVersion(): string | undefined {
  return (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
}

function isNode(): boolean {
  return typeof nodeVersion() === 'string' && !('Deno' in globalThis);
}

function nodeMajor(): number {
  return Number.parseInt(nodeVersion() ?? '0', 10);
}
