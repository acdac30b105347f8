// The hand mutants of test/mutation/kernel-mutants.mjs: each names the assembly/ file, the textual
// edits (each `from` must occur exactly once in the file) and the node tests that should catch it;
// `equivalent` gives the reason a mutant cannot change a result (it is then left out of the score).
const SOFTMAX = ['test/kernels/softmax-loss.test.ts', 'test/hardening/properties.test.ts'];
const LOSSES = ['test/kernels/losses.test.ts', 'test/kernels/softmax-loss.test.ts'];
const OPTIMIZERS = ['test/kernels/optimizers.test.ts', 'test/net/optimizer-golden.test.ts'];
const ELEMENTWISE = ['test/kernels/elementwise.test.ts'];
const GRU = ['test/kernels/gru.test.ts', 'test/recurrent/masks.test.ts'];

export const MUTANTS = [
  {
    id: 'softmax-no-max', file: 'assembly/softmax.ts', tests: SOFTMAX,
    what: 'softmax without its max subtraction (rows of other widths than 4/8/12/16)',
    edits: [
      ['const e = vexp(f32x4.sub(v128.load(s + o), mx));', 'const e = vexp(v128.load(s + o));'],
      ['const e = vexp(f32x4.sub(ld(s + o, false), mx));', 'const e = vexp(ld(s + o, false));'],
    ],
  },
  {
    id: 'softmax-regs-no-max', file: 'assembly/softmax.ts', tests: SOFTMAX,
    what: 'softmax without its max subtraction (one-row register path, rows of 4/8/12/16)',
    edits: [['const mx = vmaxAll(m);', 'const mx = splat(0);']],
  },
  {
    id: 'softmax-tail-dropped', file: 'assembly/softmax.ts', tests: SOFTMAX,
    what: 'the scalar tail of the normalisation loop dropped (rows not a multiple of 4 stay unnormalised)',
    edits: [['for (; o < bytes; o += 4) st(d + o, f32x4.mul(ld(d + o, false), inv), false);', '']],
  },
  {
    id: 'softmax-quads-stride', file: 'assembly/softmax.ts', tests: SOFTMAX,
    what: 'a wrong row stride in the four-rows-at-a-time path (row 2 read from row 1)',
    edits: [['a2 = v128.load(src + 2 * bytes), a3', 'a2 = v128.load(src + bytes), a3']],
  },
  {
    id: 'softmax-bwd-sign', file: 'assembly/softmax.ts', tests: SOFTMAX,
    what: 'softmax backward dx = y(dy + Σdy·y) (sign flip)',
    edits: [['f32x4.mul(v128.load(y + ro + o), f32x4.sub(v128.load(dy + ro + o), dot))', 'f32x4.mul(v128.load(y + ro + o), f32x4.add(v128.load(dy + ro + o), dot))']],
  },
  {
    id: 'softmax-ce-no-ysum', file: 'assembly/loss.ts', tests: LOSSES,
    what: 'fused softmax cross-entropy gradient p − y instead of p·Σy − y (first four classes)',
    edits: [['v128.store(d, f32x4.mul(f32x4.sub(f32x4.mul(pa, ySum), ya), sc));', 'v128.store(d, f32x4.mul(f32x4.sub(pa, ya), sc));']],
  },
  {
    id: 'ce-clip-epsilon', file: 'assembly/loss.ts', tests: [...LOSSES, 'test/keras3/losses.test.ts'],
    what: 'the probability clip at 1e-4 instead of Keras\'s 1e-7',
    edits: [['const EPS: f32 = 1e-7;', 'const EPS: f32 = 1e-4;']],
  },
  {
    id: 'mse-grad-factor', file: 'assembly/loss.ts', tests: LOSSES,
    what: 'mean squared error gradient (p − y) instead of 2(p − y) (vector lanes)',
    edits: [['const two = splat(2 * scale);', 'const two = splat(scale);']],
  },
  {
    id: 'bce-fused-sign', file: 'assembly/loss.ts', tests: LOSSES,
    what: 'binary cross-entropy fused with sigmoid: gradient y − p',
    edits: [['if (fusedSigmoid) g = p - y;', 'if (fusedSigmoid) g = y - p;']],
  },
  {
    id: 'sparse-ce-onehot-sign', file: 'assembly/loss.ts', tests: LOSSES,
    what: 'sparse softmax cross-entropy: the target class gets p + 1 instead of p − 1',
    edits: [['store<f32>(d + (k << 2), load<f32>(d + (k << 2)) - scale);', 'store<f32>(d + (k << 2), load<f32>(d + (k << 2)) + scale);']],
  },
  {
    id: 'huber-boundary', file: 'assembly/loss.ts', tests: LOSSES,
    what: 'Huber: |e| < δ instead of |e| ≤ δ for the quadratic branch',
    equivalent: 'at |e| = δ both branches give 0.5δ² and the gradient ±δ',
    edits: [['if (a <= delta) {', 'if (a < delta) {']],
  },
  {
    id: 'mae-grad-sign', file: 'assembly/loss.ts', tests: LOSSES,
    what: 'mean absolute error gradient −sign(p − y)',
    edits: [['store<f32>(grad + o, e > 0 ? scale : e < 0 ? -scale : 0);', 'store<f32>(grad + o, e > 0 ? -scale : e < 0 ? scale : 0);']],
  },
  {
    id: 'rmsprop-eps-outside-sqrt', file: 'assembly/optimizers.ts', tests: OPTIMIZERS,
    what: 'RMSprop step lr·g / (sqrt(v) + ε) instead of lr·g / sqrt(v + ε)',
    edits: [
      ['let denom = f32x4.add(vv, splat(eps));', 'let denom = vv;'],
      ['let step = f32x4.div(f32x4.mul(splat(lr), gv), f32x4.sqrt(denom));', 'let step = f32x4.div(f32x4.mul(splat(lr), gv), f32x4.add(f32x4.sqrt(denom), splat(eps)));'],
    ],
  },
  {
    id: 'adam-eps-inside-sqrt', file: 'assembly/optimizers.ts', tests: OPTIMIZERS,
    what: 'Adam step α·m / sqrt(v + ε) instead of α·m / (sqrt(v) + ε)',
    edits: [['f32x4.add(f32x4.sqrt(vv), splat(eps))', 'f32x4.sqrt(f32x4.add(vv, splat(eps)))']],
  },
  {
    id: 'adam-tail-dropped', file: 'assembly/optimizers.ts', tests: OPTIMIZERS,
    what: 'Adam\'s scalar tail loop dropped (the last n mod 4 parameters never update)',
    edits: [['for (; o < bytes; o += 4) adamLanes(o, p, g, m, v, alpha, oneMinusBeta1, oneMinusBeta2, eps, false);', '']],
  },
  {
    id: 'sgd-nesterov-ignored', file: 'assembly/optimizers.ts', tests: OPTIMIZERS,
    what: 'SGD with nesterov=true takes the plain momentum step',
    edits: [['delta = nesterov ? f32x4.sub(f32x4.mul(splat(momentum), mv), step) : mv;', 'delta = mv;']],
  },
  {
    id: 'gru-blend-swapped', file: 'assembly/rnn/gru.ts', tests: GRU,
    what: 'GRU (general kernel, reset_after) h\' = h + z(h~ − h): the update gate\'s roles swapped',
    edits: [['st(g + uB + o, r, vec);\n  st(g + 2 * uB + o, hh, vec);\n  st(hn + o, f32x4.add(hh, f32x4.mul(z, f32x4.sub(h, hh))), vec);', 'st(g + uB + o, r, vec);\n  st(g + 2 * uB + o, hh, vec);\n  st(hn + o, f32x4.add(h, f32x4.mul(z, f32x4.sub(hh, h))), vec);']],
  },
  {
    id: 'gru-small-blend-swapped', file: 'assembly/rnn/gru-small.ts', tests: GRU,
    what: 'GRU small-units register kernel: the update gate\'s roles swapped',
    edits: [['const hNew = f32x4.add(hh, f32x4.mul(v128.load(gr), f32x4.sub(v128.load(hp + row + jo), hh)));', 'const hNew = f32x4.add(v128.load(hp + row + jo), f32x4.mul(v128.load(gr), f32x4.sub(hh, v128.load(hp + row + jo))));']],
  },
  {
    id: 'lstm-gates-swapped', file: 'assembly/rnn/lstm-cell.ts', tests: ['test/kernels/lstm.test.ts'],
    what: 'LSTM c = i·c_prev + f·g (input and forget gates swapped, general cell)',
    edits: [['const c = f32x4.add(f32x4.mul(f, ld(cp + o, vec)), f32x4.mul(i, gg));', 'const c = f32x4.add(f32x4.mul(i, ld(cp + o, vec)), f32x4.mul(f, gg));']],
  },
  {
    id: 'mask-ignored', file: 'assembly/rnn/mask.ts', tests: [...GRU, 'test/kernels/lstm.test.ts'],
    what: 'every step of a masked sequence treated as valid',
    edits: [['return load<f32>(maskRow + (<usize>b << 2)) != 0;', 'return true;']],
  },
  {
    id: 'mask-zero-output-ignored', file: 'assembly/rnn/mask.ts', tests: [...GRU, 'test/kernels/lstm.test.ts'],
    what: 'masked steps keep the previous output where zero_output_for_mask asks for zeros',
    edits: [['else if (zeroOutput) memory.fill(last + row, 0, rowBytes);', '']],
  },
  {
    id: 'layernorm-eps-outside-sqrt', file: 'assembly/normalization.ts', tests: ['test/layers/layer-normalization.test.ts', 'test/keras3/normalization.test.ts'],
    what: 'LayerNormalization rstd = 1/(sqrt(var) + ε) instead of 1/sqrt(var + ε)',
    edits: [['const rs: f32 = 1 / Mathf.sqrt(rowSquaredDeviations(xr, bytes, m) * inv_n + eps);', 'const rs: f32 = 1 / (Mathf.sqrt(rowSquaredDeviations(xr, bytes, m) * inv_n) + eps);']],
  },
  {
    id: 'activation-tail-dropped', file: 'assembly/elementwise.ts', tests: ELEMENTWISE,
    what: 'the activation kernel\'s scalar tail dropped (n mod 4 values left unactivated)',
    edits: [['for (; o < bytes; o += 4) st(dst + o, vact(ld(src + o, false), act), false);', '']],
  },
  {
    id: 'relu-grad-at-zero', file: 'assembly/simd.ts', tests: [...ELEMENTWISE, 'test/kernels/gemm.test.ts'],
    what: 'relu\'s derivative 1 at y = 0 (gradient flows through dead units)',
    edits: [['case ACT_RELU: return v128.and(f32x4.gt(y, splat(0.0)), splat(1.0));', 'case ACT_RELU: return v128.and(f32x4.ge(y, splat(0.0)), splat(1.0));']],
  },
  {
    id: 'all-finite-tail', file: 'assembly/elementwise.ts', tests: [...ELEMENTWISE, 'test/hardening/bad-input.test.ts'],
    what: 'the finiteness check ignores NaN / Inf in the last n mod 4 values',
    edits: [['if (v - v != 0) return 0;', '']],
  },
  {
    id: 'argmax-last-wins', file: 'assembly/metrics.ts', tests: [...ELEMENTWISE, 'test/training/metrics.test.ts', 'test/models/accuracy.test.ts'],
    what: 'categorical accuracy\'s argmax takes the last maximum on ties (numpy / Keras: the first)',
    edits: [['if (xp > vp) { vp = xp; bp = j; }', 'if (xp >= vp) { vp = xp; bp = j; }']],
  },
  {
    id: 'embedding-mask-zero-ignored', file: 'assembly/embedding.ts', tests: ['test/layers/embedding.test.ts', 'test/keras3/embedding.test.ts'],
    what: 'Embedding(maskZero) marks id 0 as a valid step',
    edits: [['if (mask) store<f32>(mask + (<usize>i << 2), id != 0 ? 1 : 0);', 'if (mask) store<f32>(mask + (<usize>i << 2), 1);']],
  },
  {
    id: 'swap-axes-no-reverse', file: 'assembly/elementwise.ts', tests: [...ELEMENTWISE, ...GRU],
    what: 'go_backwards\' time reversal ignored in the batch/time transpose',
    edits: [['const jOut = flags & 2 ? d1 - 1 - j : j;', 'const jOut = j;']],
  },
  {
    id: 'colsum-tail-dropped', file: 'assembly/gemm.ts', tests: ['test/kernels/gemm.test.ts'],
    what: 'the bias-gradient column sum skips the last cols mod 4 columns',
    edits: [['for (; j < cols; j++) colsum(rows, src + (<usize>j << 2), ld4, dst + (<usize>j << 2), acc, false);', '']],
  },
];
