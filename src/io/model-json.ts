/**
 * What every handler derives from a model's artifacts: the model.json that names its weights file,
 * and tfjs's ModelArtifactsInfo (the sizes a save reports and the browser stores list).
 */
import type { ModelArtifacts, ModelJSON } from './artifacts.js';

/** What a save reports and `wl.io.listModels()` lists for each model (tfjs's ModelArtifactsInfo). */
export interface ModelArtifactsInfo {
  dateSaved: Date;
  modelTopologyType: 'JSON';
  /** UTF-8 bytes of the topology as JSON (absent for a .keras file). */
  modelTopologyBytes?: number;
  /** UTF-8 bytes of the weight specs as JSON (absent for a .keras file). */
  weightSpecsBytes?: number;
  weightDataBytes: number;
}

/** What a handler's save() resolves to (tfjs's SaveResult). */
export interface SaveResult {
  modelArtifactsInfo: ModelArtifactsInfo;
}

const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength;

/** The sizes of `a` as tfjs reports them, dated now. */
export function modelArtifactsInfo(a: ModelArtifacts): Required<ModelArtifactsInfo> {
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: utf8Bytes(JSON.stringify(a.modelTopology)),
    weightSpecsBytes: utf8Bytes(JSON.stringify(a.weightSpecs)),
    weightDataBytes: a.weightData.byteLength,
  };
}

/** model.json for artifacts whose weights are stored as one file next to it, at `weightsPath`. */
export function toModelJSON(a: ModelArtifacts, weightsPath: string): ModelJSON {
  const json: ModelJSON = {
    format: 'layers-model',
    generatedBy: a.generatedBy ?? 'wasm-layers',
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [weightsPath], weights: a.weightSpecs }],
  };
  if (a.trainingConfig) json.trainingConfig = a.trainingConfig;
  return json;
}
