// The part of jsfive's API (a pure JavaScript HDF5 reader) that io/keras/hdf5-read.ts uses.
declare module 'jsfive' {
  export class Group {
    readonly keys: string[];
    readonly attrs: Record<string, unknown>;
    get(path: string): Group | Dataset | null;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
  export class Dataset {
    readonly shape: number[];
    readonly dtype: unknown;
    readonly value: ArrayLike<number> | ArrayLike<string>;
    readonly attrs: Record<string, unknown>;
    readonly _dataobjects: { readonly chunks: number[] | null; readonly filter_pipeline: { filter_id: number; name?: string }[] | null };
  }
}
