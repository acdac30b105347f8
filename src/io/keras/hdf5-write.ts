/**
 * A small HDF5 writer for the subset Keras's h5py writes (and reads back): superblock version 0,
 * version 1 object headers, groups as symbol tables (a version 1 B-tree leaf over symbol table
 * nodes, names in a local heap), contiguous little-endian float32 datasets, and fixed-length string
 * attributes, and little-endian int64 datasets (an optimizer's step count). 8-byte offsets and lengths, group K values 4 (leaf) and 16 (internal) as HDF5's
 * defaults, so one B-tree leaf addresses up to 32 symbol nodes of 8 entries: 256 members a group.
 * Format: the HDF5 File Format Specification, version 2 (sections II.A, III.A-C, IV.A).
 */
import { ValueError } from '../../errors.js';

/** A group: its attributes and members, by name. */
export interface H5GroupSpec {
  attrs?: Record<string, string>;
  members: Map<string, H5GroupSpec | H5DatasetSpec>;
}

/** A float32 dataset, or an int64 one (BigInt64Array). */
export interface H5DatasetSpec {
  shape: readonly number[];
  data: Float32Array | BigInt64Array;
}

const UNDEF = 0xffffffffffffffffn;
const LEAF_K = 4;
const INTERNAL_K = 16;
const SNOD_ENTRIES = 2 * LEAF_K;
const MAX_MEMBERS = 2 * INTERNAL_K * SNOD_ENTRIES;
/** Symbol table entry size with 8-byte offsets. */
const ENTRY_SIZE = 40;
/** H5HL_FREE_NULL: a local heap without free blocks. */
const HEAP_FREE_NULL = 1n;

const MSG = { dataspace: 0x0001, datatype: 0x0003, fill: 0x0005, layout: 0x0008, attribute: 0x000c, symbolTable: 0x0011 } as const;

const pad8 = (n: number) => (n + 7) & ~7;
const isDataset = (m: H5GroupSpec | H5DatasetSpec): m is H5DatasetSpec => 'data' in m;

/** A little-endian byte buffer that grows as it is written. */
class Buffer8 {
  bytes = new Uint8Array(4096);
  view = new DataView(this.bytes.buffer);
  length = 0;

  /** Reserves `n` zeroed bytes at the end (8-aligned) and returns their address. */
  alloc(n: number): number {
    const at = pad8(this.length);
    const end = at + n;
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = end;
    return at;
  }
}

/** Message bodies: bytes written through a cursor. */
class Writer {
  private parts: number[] = [];
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(v >>> 16);
  }
  u64(v: number | bigint): this {
    const b = BigInt(v);
    return this.u32(Number(b & 0xffffffffn)).u32(Number((b >> 32n) & 0xffffffffn));
  }
  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.parts.push(bytes[i]);
    return this;
  }
  zeros(n: number): this {
    for (let i = 0; i < n; i++) this.parts.push(0);
    return this;
  }
  padTo8(): this {
    return this.zeros(pad8(this.parts.length) - this.parts.length);
  }
  get size(): number {
    return this.parts.length;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const float32Type = () => new Writer().u8(0x11).u8(0x20).u8(31).u8(0).u32(4).u16(0).u16(32).u8(23).u8(8).u8(0).u8(23).u32(127);
/** Fixed-point class, version 1: little-endian, signed, 8 bytes, bit offset 0, precision 64. */
const int64Type = () => new Writer().u8(0x10).u8(0x08).u8(0).u8(0).u32(8).u16(0).u16(64);
const stringType = (size: number) => new Writer().u8(0x13).u8(0x11).u8(0).u8(0).u32(size); // null-padded, UTF-8
const dataspace = (shape: readonly number[]) => {
  const w = new Writer().u8(1).u8(shape.length).u8(shape.length ? 1 : 0).u8(0).u32(0);
  for (const d of shape) w.u64(d);
  for (const d of shape) w.u64(d);
  return w;
};

function attributeMessage(name: string, value: string): Writer {
  const nameBytes = new TextEncoder().encode(`${name}\0`);
  const text = value.length ? new TextEncoder().encode(value) : new Uint8Array(1);
  const type = stringType(text.length);
  const space = dataspace([]);
  return new Writer().u8(1).u8(0).u16(nameBytes.length).u16(type.size).u16(space.size)
    .raw(nameBytes).padTo8().raw(type.bytes()).padTo8().raw(space.bytes()).padTo8().raw(text);
}

/** Writes a version 1 object header with `messages` ([type, flags, body]) and returns its address. */
function objectHeader(buf: Buffer8, messages: [number, number, Writer][]): number {
  const size = messages.reduce((n, [, , body]) => n + 8 + pad8(body.size), 0);
  if (size > 0xffff) throw new ValueError(`HDF5 writer: an object header of ${size} bytes is too large (attributes too long)`);
  const at = buf.alloc(16 + size);
  const v = buf.view;
  v.setUint8(at, 1);
  v.setUint16(at + 2, messages.length, true);
  v.setUint32(at + 4, 1, true);
  v.setUint32(at + 8, size, true);
  let p = at + 16;
  for (const [type, flags, body] of messages) {
    v.setUint16(p, type, true);
    v.setUint16(p + 2, pad8(body.size), true);
    v.setUint8(p + 4, flags);
    buf.bytes.set(body.bytes(), p + 8);
    p += 8 + pad8(body.size);
  }
  return at;
}

function attributeMessages(attrs: Record<string, string> | undefined): [number, number, Writer][] {
  return Object.entries(attrs ?? {}).map(([k, v]) => [MSG.attribute, 0, attributeMessage(k, v)]);
}

function writeDataset(buf: Buffer8, ds: H5DatasetSpec, path: string): number {
  const count = ds.shape.reduce((a, b) => a * b, 1);
  if (count !== ds.data.length) throw new ValueError(`HDF5 writer: ${path} has shape [${ds.shape.join(', ')}] but ${ds.data.length} values`);
  const data = ds.data;
  const size = data instanceof BigInt64Array ? 8 : 4;
  let address: bigint = UNDEF;
  if (count > 0) {
    const at = buf.alloc(count * size);
    const out = new DataView(buf.bytes.buffer, at, count * size);
    if (data instanceof BigInt64Array) for (let i = 0; i < count; i++) out.setBigInt64(i * 8, data[i], true);
    else for (let i = 0; i < count; i++) out.setFloat32(i * 4, data[i], true);
    address = BigInt(at);
  }
  return objectHeader(buf, [
    [MSG.dataspace, 0, dataspace(ds.shape)],
    [MSG.datatype, 1, data instanceof BigInt64Array ? int64Type() : float32Type()],
    [MSG.fill, 1, new Writer().u8(2).u8(2).u8(2).u8(0)], // allocation late, fill if set, default fill value
    [MSG.layout, 0, new Writer().u8(3).u8(1).u64(address).u64(count * size)],
  ]);
}

/** A group's symbol table (local heap, symbol nodes, B-tree leaf): returns [B-tree address, heap address]. */
function writeSymbolTable(buf: Buffer8, entries: { name: string; header: number; table?: [number, number] }[], path: string): [number, number] {
  if (entries.length > MAX_MEMBERS) throw new ValueError(`HDF5 writer: group ${path || '/'} has ${entries.length} members; at most ${MAX_MEMBERS} are supported`);
  const encoder = new TextEncoder();
  // HDF5 orders symbol table entries by name (strcmp on the bytes)
  const named = entries.map((e) => ({ ...e, bytes: encoder.encode(e.name) }));
  named.sort((a, b) => {
    for (let i = 0; i < Math.min(a.bytes.length, b.bytes.length); i++) if (a.bytes[i] !== b.bytes[i]) return a.bytes[i] - b.bytes[i];
    return a.bytes.length - b.bytes.length;
  });
  // local heap data: "" at offset 0, then each name null-terminated, 8-aligned
  const offsets: number[] = [];
  let heapSize = 8;
  for (const e of named) {
    offsets.push(heapSize);
    heapSize += pad8(e.bytes.length + 1);
  }
  const heap = buf.alloc(32 + heapSize);
  buf.bytes.set(encoder.encode('HEAP'), heap);
  buf.view.setBigUint64(heap + 8, BigInt(heapSize), true);
  buf.view.setBigUint64(heap + 16, HEAP_FREE_NULL, true);
  buf.view.setBigUint64(heap + 24, BigInt(heap + 32), true);
  named.forEach((e, i) => buf.bytes.set(e.bytes, heap + 32 + offsets[i]));
  // symbol table nodes of up to 2·leaf K entries each
  const nodes: number[] = [];
  const lastKeys: number[] = [];
  for (let first = 0; first < named.length; first += SNOD_ENTRIES) {
    const chunk = named.slice(first, first + SNOD_ENTRIES);
    const at = buf.alloc(8 + SNOD_ENTRIES * ENTRY_SIZE);
    buf.bytes.set(encoder.encode('SNOD'), at);
    buf.view.setUint8(at + 4, 1);
    buf.view.setUint16(at + 6, chunk.length, true);
    chunk.forEach((e, i) => {
      const p = at + 8 + i * ENTRY_SIZE;
      buf.view.setBigUint64(p, BigInt(offsets[first + i]), true);
      buf.view.setBigUint64(p + 8, BigInt(e.header), true);
      if (e.table) {
        buf.view.setUint32(p + 16, 1, true);
        buf.view.setBigUint64(p + 24, BigInt(e.table[0]), true);
        buf.view.setBigUint64(p + 32, BigInt(e.table[1]), true);
      }
    });
    nodes.push(at);
    lastKeys.push(offsets[first + chunk.length - 1]);
  }
  // B-tree leaf (level 0) of group nodes: key 0, child 0, key 1, ... ; allocated at full size (2K children)
  const tree = buf.alloc(24 + (2 * INTERNAL_K + 1) * 8 + 2 * INTERNAL_K * 8);
  buf.bytes.set(encoder.encode('TREE'), tree);
  buf.view.setUint8(tree + 4, 0);
  buf.view.setUint8(tree + 5, 0);
  buf.view.setUint16(tree + 6, nodes.length, true);
  buf.view.setBigUint64(tree + 8, UNDEF, true);
  buf.view.setBigUint64(tree + 16, UNDEF, true);
  let p = tree + 24;
  buf.view.setBigUint64(p, 0n, true);
  p += 8;
  nodes.forEach((node, i) => {
    buf.view.setBigUint64(p, BigInt(node), true);
    buf.view.setBigUint64(p + 8, BigInt(lastKeys[i]), true);
    p += 16;
  });
  return [tree, heap];
}

/** Writes a group and its members; returns [object header address, B-tree address, heap address]. */
function writeGroup(buf: Buffer8, group: H5GroupSpec, path: string): [number, number, number] {
  const entries = [...group.members].map(([name, member]) => {
    if (name.length === 0 || name.includes('/') || name === '.') throw new ValueError(`HDF5 writer: invalid member name ${JSON.stringify(name)} in ${path || '/'}`);
    const where = path ? `${path}/${name}` : name;
    if (isDataset(member)) return { name, header: writeDataset(buf, member, where) };
    const [header, tree, heap] = writeGroup(buf, member, where);
    return { name, header, table: [tree, heap] as [number, number] };
  });
  const [tree, heap] = writeSymbolTable(buf, entries, path);
  const header = objectHeader(buf, [[MSG.symbolTable, 0, new Writer().u64(tree).u64(heap)], ...attributeMessages(group.attrs)]);
  return [header, tree, heap];
}

/**
 * The bytes of an HDF5 file holding `root`.
 * @example writeHdf5({ members: new Map([['vars', { members: new Map([['0', { shape: [2], data: new Float32Array(2) }]]) }]]) })
 */
export function writeHdf5(root: H5GroupSpec): Uint8Array {
  const buf = new Buffer8();
  const superblock = buf.alloc(96);
  const [header, tree, heap] = writeGroup(buf, root, '');
  const v = buf.view;
  buf.bytes.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], superblock);
  // versions 0 (superblock, free space, root entry, -, shared header), offsets and lengths of 8 bytes
  v.setUint8(superblock + 13, 8);
  v.setUint8(superblock + 14, 8);
  v.setUint16(superblock + 16, LEAF_K, true);
  v.setUint16(superblock + 18, INTERNAL_K, true);
  v.setBigUint64(superblock + 24, 0n, true); // base address
  v.setBigUint64(superblock + 32, UNDEF, true); // free-space info
  v.setBigUint64(superblock + 40, BigInt(pad8(buf.length)), true); // end of file
  v.setBigUint64(superblock + 48, UNDEF, true); // driver info
  const root0 = superblock + 56;
  v.setBigUint64(root0, 0n, true);
  v.setBigUint64(root0 + 8, BigInt(header), true);
  v.setUint32(root0 + 16, 1, true);
  v.setBigUint64(root0 + 24, BigInt(tree), true);
  v.setBigUint64(root0 + 32, BigInt(heap), true);
  const end = buf.alloc(0);
  return buf.bytes.slice(0, end);
}
