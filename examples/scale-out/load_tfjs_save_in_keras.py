"""Load a model that wasm-layers saved in the TF.js format (model.json + weights.bin) into Keras 3,
without TensorFlow.js's converter:

    python load_tfjs_save_in_keras.py path/to/model-dir [trained.keras]

model.json's topology is written in the Keras 3 dialect (an explicit InputLayer with batch_shape,
module / registered_name, dtype policies), so keras.models.model_from_json builds the model; the
weights are read from the manifest (float32, little-endian, concatenated in manifest order) and set
layer by layer (a weight is named "<layer>/<weight>"; set_weights checks every shape).

Not run in this project's tests: its machines have no Python Keras. The JavaScript side (tfjs 4.22
loads the same file, and so does wasm-layers, bit-identically) is tested in
test/io/tfjs-format-keras3.test.ts; the Keras side follows Keras 3.15's source as quoted in
src/models/keras-config.ts. A model using tfjs's hard_sigmoid is saved in tfjs's own dialect, which
Keras 3 refuses (Keras 3 has no such activation): save it as .keras instead, or change the activation.
A .keras file (model.save('file://m.keras')) is the simpler route; this one is for TF.js-format saves.
"""
import json
import os
import sys

import numpy as np
import keras

model_dir = sys.argv[1]
with open(os.path.join(model_dir, "model.json")) as f:
    model_json = json.load(f)

model = keras.models.model_from_json(json.dumps(model_json["modelTopology"]))

# the weight values, by name, in manifest order (optimizer state, group "optimizer", is left out)
values = {}
for group in model_json["weightsManifest"]:
    data = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
    offset = 0
    for spec in group["weights"]:
        count = int(np.prod(spec["shape"], dtype=np.int64))
        dtype = {"float32": "<f4", "int32": "<i4"}[spec["dtype"]]
        array = np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(spec["shape"])
        offset += 4 * count
        if spec.get("group") != "optimizer":
            values[spec["name"]] = array
    if offset != len(data):
        raise ValueError(f"weights of {group['paths']}: the manifest describes {offset} bytes, the files hold {len(data)}")

used = set()
for layer in model.layers:
    if not layer.weights:
        continue
    names = [n for n in values if n.startswith(layer.name + "/")]
    layer.set_weights([values[n] for n in names])
    used.update(names)
unused = sorted(set(values) - used)
if unused:
    raise ValueError(f"weights that no layer took: {unused}")

model.summary()
if len(sys.argv) > 2:
    # a .keras file for Keras (or wasm-layers: wl.loadLayersModel('file://trained.keras'))
    model.save(sys.argv[2])
# a functional model from model.json lists its input and output ([[name, 0, 0]]): predict returns a list of one array
