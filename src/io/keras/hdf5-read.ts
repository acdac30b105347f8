/**
 * Reading the HDF5 files Keras writes (model.weights.h5 inside a .keras, legacy .h5), through
 * jsfive (pure JavaScript, read-only). What a file declares is checked before it is used: only
 * contiguous, unfiltered little-endian float32 datasets are read (what Keras writes), and int64 /
 * int32 ones for an optimizer's step count, each after its
 * declared size is checked against the file's; compression filters and chunked layouts are refused
 * by name; jsfive's own failures (it throws strings) become errors naming the file and the path.
 */
import { File as H5File, Group, Dataset } from 'jsfive';
import { ValueError, describe } from '../../errors.js';

/** Groups nested deeper than this are refused (a crafted file's cycle ends here). */
const MAX_DEPTH = 32;
/** Dataset dtypes read, with their item sizes. */
const FLOAT32: Record<string, number> = { '<f4': 4 };
const INTEGERS: Record<string, number> = { '<i8': 8, '<i4': 4 };

export interface FloatDataset {
  shape: number[];
  values: Float32Array;
}

/** An HDF5 file's groups, attributes and float32 datasets. */
export class Hdf5Reader {
  private readonly file: H5File;

  /** @param what the file's name in messages, e.g. `model.weights.h5`. */
  constructor(private readonly bytes: Uint8Array, private readonly what: string) {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
    if (bytes.length < 8 || signature.some((b, i) => bytes[i] !== b)) throw new ValueError(`${what} is not an HDF5 file (no HDF5 signature at its start)`);
    this.file = this.guard('the superblock', () => new H5File(buffer, what));
  }

  /** The group or dataset at `path` ('' is the root), or null. */
  private node(path: string): Group | Dataset | null {
    if (path === '') return this.file;
    if (path.split('/').length > MAX_DEPTH) throw new ValueError(`${this.what}: ${path} is nested more than ${MAX_DEPTH} deep`);
    return this.guard(path, () => {
      // jsfive throws on a missing name rather than returning null
      const parent = this.node(path.slice(0, Math.max(0, path.lastIndexOf('/'))));
      if (!(parent instanceof Group)) return null;
      const name = path.slice(path.lastIndexOf('/') + 1);
      return parent.keys.includes(name) ? parent.get(name) : null;
    });
  }

  /** Whether `path` is a group. */
  isGroup(path: string): boolean {
    return this.node(path) instanceof Group;
  }

  /** The names in the group at `path` (sorted as HDF5 stores them); [] when there is no such group. */
  keys(path: string): string[] {
    const g = this.node(path);
    return g instanceof Group ? this.guard(path, () => [...g.keys]) : [];
  }

  /** The attribute `name` of the group or dataset at `path`, or undefined. */
  attr(path: string, name: string): unknown {
    const n = this.node(path);
    if (!n) return undefined;
    return this.guard(`${path || '/'} attribute ${name}`, () => n.attrs[name]);
  }

  /** Every dataset path under `path`, depth first. */
  datasets(path = ''): string[] {
    const out: string[] = [];
    const walk = (p: string, depth: number) => {
      if (depth > MAX_DEPTH) throw new ValueError(`${this.what}: groups nest more than ${MAX_DEPTH} deep under ${path || '/'}`);
      for (const k of this.keys(p)) {
        const child = p ? `${p}/${k}` : k;
        if (this.isGroup(child)) walk(child, depth + 1);
        else out.push(child);
      }
    };
    walk(path, 0);
    return out;
  }

  /** The float32 dataset at `path`: shape and values, checked against the file's size first. */
  float32(path: string): FloatDataset {
    const { shape, values } = this.dataset(path, FLOAT32, 'little-endian float32 (<f4) weights are');
    return { shape, values: Float32Array.from(values) };
  }

  /** The integer dataset at `path` (int64 or int32, as Keras writes an optimizer's step count under TensorFlow or JAX). */
  integer(path: string): { shape: number[]; values: number[] } {
    const { shape, values } = this.dataset(path, INTEGERS, 'little-endian int64 or int32 (<i8, <i4) values are');
    return { shape, values: Array.from(values) };
  }

  /** The dtype of the dataset at `path` (`<f4`, `<i8`, ...), or undefined when it is not a dataset. */
  dtype(path: string): string | undefined {
    const ds = this.node(path);
    return ds instanceof Dataset ? this.guard(path, () => String(ds.dtype)) : undefined;
  }

  /** A contiguous, unfiltered dataset of one of `dtypes`: its shape and values, the declared size checked against the file's first. */
  private dataset(path: string, dtypes: Record<string, number>, expected: string): { shape: number[]; values: ArrayLike<number> } {
    const ds = this.node(path);
    if (!(ds instanceof Dataset)) throw new ValueError(`${this.what} has no dataset ${path}`);
    return this.guard(path, () => {
      const { shape, dtype } = ds;
      const itemSize = typeof dtype === 'string' ? dtypes[dtype] : undefined;
      if (itemSize === undefined) throw new ValueError(`${this.what}: ${path} holds ${describe(dtype)} values; only ${expected} supported here`);
      const filters = ds._dataobjects.filter_pipeline;
      if (filters && filters.length) throw new ValueError(`${this.what}: ${path} is stored with filters (${filters.map((f) => f.name ?? f.filter_id).join(', ')}): compressed datasets are not supported`);
      if (ds._dataobjects.chunks) throw new ValueError(`${this.what}: ${path} has a chunked layout, which is not supported (Keras writes contiguous datasets)`);
      if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new ValueError(`${this.what}: ${path} has an invalid shape ${describe(shape)}`);
      const count = shape.reduce((a, b) => a * b, 1);
      if (count * itemSize > this.bytes.byteLength) throw new ValueError(`${this.what}: ${path} declares shape [${shape.join(', ')}] (${count * itemSize} bytes), more than the whole file's ${this.bytes.byteLength} bytes`);
      const raw = ds.value as ArrayLike<number> | number;
      // jsfive gives a scalar dataset's value as a number
      const values = typeof raw === 'number' ? [raw] : raw;
      if (values.length !== count) throw new ValueError(`${this.what}: ${path} declares shape [${shape.join(', ')}] but holds ${values.length} values`);
      return { shape: [...shape], values };
    });
  }

  /** Runs a jsfive call, turning its failures (strings, TypeErrors on bad offsets) into ValueErrors naming the file and path. */
  private guard<T>(where: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ValueError) throw e;
      const message = e instanceof Error ? e.message : String(e);
      throw new ValueError(`${this.what} cannot be read at ${where}: ${message} (a damaged file, or HDF5 features Keras does not write)`);
    }
  }
}
