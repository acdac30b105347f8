// The sequence part's cases as wasm-layers runs them (config.mjs SEQUENCE): the adapter's
// sequence(kind) for stack-ours.mjs, and the cases bench/sequence-layers.mjs times on its own.
import { GRU256, SEED, SEQUENCE } from './config.mjs';
import { gru256Data, idsData, maskedTail, seedData, zipfIdsData } from './data.mjs';
import { gru256Model, sequenceModel, textModel } from './models.mjs';

/** tfjs's LSTM math (its defaults), for the text classifiers' LSTM as for every recurrent layer of the part. */
const TFJS_LSTM = { recurrentActivation: 'hard_sigmoid', unitForgetBias: false };

/** A member that fits one epoch of (x, y) per call, resolving to the epoch loss. */
function trainer(wl, model, x, y, { batchSize, workers }) {
  return { fit: async () => (await model.fit(x, y, { batchSize, epochs: 1, verbose: 0, workers })).history.loss[0] };
}

/** A group member, or { error } when the library cannot build it (e.g. a layer Bidirectional does not take yet). */
function member(build) {
  try {
    return build();
  } catch (error) {
    return { error: String(error?.message ?? error) };
  }
}

/** The GRU(256) part's workload (config.mjs GRU256): { samples, threads, fit }, epochs of `samples` (2048) on 2 workers. */
export function oursGru256(wl, samples = GRU256.samples) {
  const { x, y } = gru256Data(samples, GRU256);
  const [xt, yt] = [wl.tensor(x.values, x.shape), wl.tensor(y.values, y.shape)];
  return { samples, threads: GRU256.workers, ...trainer(wl, gru256Model(wl), xt, yt, GRU256) };
}

/**
 * sequence(kind) for our stack: lstm256 | lstm16 → { samples, fit }; rnn256 | lstm256Variants |
 * embeddingVocab, and sentiment | textConv (the text classifier with the GRU(256) workload as the
 * reference, in turn, for issue 26's ratio) → { samples, members } (workload.mjs prepareSequence). `seedWorkers` is the stack's workers setting,
 * for the seed-shape LSTM(16); the 256-unit cases use their config's worker count.
 */
export function oursSequence(wl, kind, seedWorkers = 'auto') {
  const tensors = ({ x, y }) => [wl.tensor(x.values, x.shape, x.dtype), wl.tensor(y.values, y.shape)];
  if (kind === 'lstm16') {
    const { x, y1 } = seedData();
    const [xt, yt] = tensors({ x, y: y1 });
    const model = sequenceModel(wl, { cell: 'lstm', units: SEED.hidden, steps: SEED.maxLen, features: SEED.inputSize, outputs: SEED.outputSize });
    return { samples: SEED.samples, ...trainer(wl, model, xt, yt, { batchSize: SEED.batchSize, workers: seedWorkers }) };
  }
  if (kind === 'lstm256') {
    const c = SEQUENCE.lstm256;
    const [xt, yt] = tensors(gru256Data(c.samples, c));
    return { samples: c.samples, threads: c.workers, ...trainer(wl, sequenceModel(wl, { cell: 'lstm', ...c }), xt, yt, c) };
  }
  if (kind === 'rnn256') {
    const c = SEQUENCE.rnn256;
    const [xt, yt] = tensors(gru256Data(c.samples, c));
    const build = (cell) => member(() => trainer(wl, sequenceModel(wl, { cell, ...c }), xt, yt, c));
    // the first member is the reference the others' epochs are divided by
    return { samples: c.samples, members: { gru: build('gru'), simpleRNN: build('simpleRNN'), biGru: build('biGru') } };
  }
  if (kind === 'lstm256Variants') {
    const c = SEQUENCE.lstm256Variants;
    const data = gru256Data(c.samples, c);
    const [xt, yt] = tensors(data);
    const masked = maskedTail(data.x, c);
    const xm = wl.tensor(masked.x.values, masked.x.shape);
    return {
      samples: c.samples,
      maskedFraction: masked.maskedFraction,
      members: {
        plain: member(() => trainer(wl, sequenceModel(wl, { cell: 'lstm', ...c }), xt, yt, c)),
        masked: member(() => trainer(wl, sequenceModel(wl, { cell: 'lstm', ...c, masked: true }), xm, yt, c)),
        dropout: member(() => trainer(wl, sequenceModel(wl, { cell: 'lstm', ...c, dropout: c.dropout }), xt, yt, c)),
      },
    };
  }
  if (kind === 'sentiment' || kind === 'textConv') {
    const c = SEQUENCE[kind];
    const [xt, yt] = tensors(idsData(c.samples, c));
    const members = { gru: member(() => oursGru256(wl, c.samples)), [kind]: member(() => trainer(wl, textModel(wl, kind, c, TFJS_LSTM), xt, yt, c)) };
    if (kind === 'sentiment') {
      // the same model on text-like ids (Zipf ranks): what a recurrent layer after an Embedding gains when ids repeat
      const [xz, yz] = tensors(zipfIdsData(c.samples, c));
      members.sentimentTextIds = member(() => trainer(wl, textModel(wl, kind, c, TFJS_LSTM), xz, yz, c));
    }
    return { samples: c.samples, members };
  }
  if (kind === 'embeddingVocab') {
    // the same ids (all below c.ids) into a small and a large table: the reference first
    const c = SEQUENCE.embeddingVocab;
    const [xt, yt] = tensors(idsData(c.samples, c));
    const build = (vocab, optimizer) => member(() => trainer(wl, textModel(wl, 'sentiment', { ...c, vocab }, TFJS_LSTM, optimizer), xt, yt, c));
    // plain SGD: every per-step pass is over the rows of the batch; adam: Keras's dense update of every row on top
    return {
      samples: c.samples,
      members: { small: build(c.vocabs[0], 'sgd'), large: build(c.vocabs[1], 'sgd'), smallAdam: build(c.vocabs[0], 'adam'), largeAdam: build(c.vocabs[1], 'adam') },
    };
  }
  throw new Error(`unknown sequence case ${kind}`);
}
