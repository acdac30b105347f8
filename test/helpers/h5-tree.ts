// An HDF5 file read back into the writer's tree (groups, their `name` attributes, float32 and
// int64 datasets), so a test can change one dataset of a real file and write it again.
import { Hdf5Reader } from '../../src/io/keras/hdf5-read.js';
import { writeHdf5, type H5DatasetSpec, type H5GroupSpec } from '../../src/io/keras/hdf5-write.js';

export function readH5Tree(bytes: Uint8Array): H5GroupSpec {
  const h5 = new Hdf5Reader(bytes, 'tree');
  const group = (path: string): H5GroupSpec => {
    const name = h5.attr(path, 'name');
    const members = new Map<string, H5GroupSpec | H5DatasetSpec>();
    for (const k of h5.keys(path)) {
      const child = path ? `${path}/${k}` : k;
      if (h5.isGroup(child)) members.set(k, group(child));
      else if (h5.dtype(child) === '<f4') members.set(k, { shape: h5.float32(child).shape, data: h5.float32(child).values });
      else members.set(k, { shape: h5.integer(child).shape, data: BigInt64Array.from(h5.integer(child).values.map(BigInt)) });
    }
    return typeof name === 'string' ? { attrs: { name }, members } : { members };
  };
  return group('');
}

/** The group or dataset at `path` of a tree. */
export function treeAt(tree: H5GroupSpec, path: string): H5GroupSpec | H5DatasetSpec {
  let node: H5GroupSpec | H5DatasetSpec = tree;
  for (const part of path.split('/')) node = (node as H5GroupSpec).members.get(part)!;
  return node;
}

export { writeHdf5 };
