"""Continue training a model saved by wasm-layers (a Keras 3 .keras file) with Keras 3 on every
device of this machine, then save it for wasm-layers to load again (docs/scale-out.md).

    KERAS_BACKEND=jax        python continue_in_keras.py model.keras trained.keras
    KERAS_BACKEND=tensorflow python continue_in_keras.py model.keras trained.keras

The data here are the same kind of sequences the JavaScript side trained on; put your own there.
"""
import os
import sys

import numpy as np
import keras

source, target = sys.argv[1], sys.argv[2]
backend = keras.backend.backend()


def sequences(samples, steps=6, features=4, classes=3, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(samples, steps, features)).astype("float32")
    return x, np.argmax(x[:, :, :classes], axis=-1).astype("int32")


def compiled(model):
    model.compile(loss="sparse_categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    return model


def loaded():
    # compile=True (the default): a file saved with {includeOptimizer: true} comes back compiled with
    # its optimizer's state, so training continues where it stopped; any other file is compiled here
    model = keras.saving.load_model(source)
    return model if model.compiled else compiled(model)


x, y = sequences(8192)
if backend == "jax":
    # data parallel over every local device (JAX): the batch is split, the weights replicated
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=keras.distribution.list_devices()))
    model = loaded()
elif backend == "tensorflow":
    import tensorflow as tf

    # data parallel over every local GPU (or the CPU): build and compile inside the strategy's scope
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        model = loaded()
else:
    model = loaded()

model.fit(x, y, batch_size=256, epochs=int(os.environ.get("EPOCHS", "5")))
model.save(target)
print(f"saved {target} ({backend}); load it back with wl.loadLayersModel('file://{target}')")
