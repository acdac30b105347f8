// Runs one part's cases on several stack processes, interleaving their timed samples: the shared
// machine's speed drifts over seconds, so every stack's samples should span the same stretch of time.
// Only one process works at any moment; the others wait for their next request.
import { CASES, runsFor } from './workload.mjs';
import { median } from './timing.mjs';

/**
 * @param allStacks [{ name, handle, plan }]
 * @returns { [stack]: { [caseId]: { ...meta, median, min, max, runs } } }
 */
export async function runPart(part, allStacks, log) {
  const out = Object.fromEntries(allStacks.map((s) => [s.name, {}]));
  for (const id of CASES[part]) {
    // a stack whose plan has no samples of this case skips it (tfjs-wasm runs two of the sequence part's four)
    const asked = allStacks.filter((s) => runsFor(s.plan, id) > 0);
    if (asked.length === 0) continue;
    const meta = {};
    for (const s of asked) meta[s.name] = await s.handle.request('prepare', id);
    // a stack that cannot build or train the model (meta.error: tfjs-wasm's Embedding gradient) takes no samples
    for (const s of asked.filter((s) => meta[s.name].error)) out[s.name][id] = meta[s.name];
    const stacks = asked.filter((s) => !meta[s.name].error);
    const times = Object.fromEntries(stacks.map((s) => [s.name, []]));
    const rounds = Math.max(...stacks.map((s) => runsFor(s.plan, id)));
    for (let r = 0; r < rounds; r++) {
      for (const s of stacks) {
        // A stack with n < rounds samples takes them in evenly spread rounds.
        const n = runsFor(s.plan, id);
        if (Math.floor(((r + 1) * n) / rounds) > Math.floor((r * n) / rounds)) times[s.name].push(await s.handle.request('sample', id));
      }
    }
    for (const s of stacks) {
      const summary = await s.handle.request('release', id);
      const t = times[s.name];
      out[s.name][id] = { ...meta[s.name], ...summary, median: median(t), min: Math.min(...t), max: Math.max(...t), runs: t.length };
    }
    const text = (s) => (out[s.name][id].error ? `${s.name} cannot (${out[s.name][id].error.split('\n')[0]})` : `${s.name} ${out[s.name][id].median.toFixed(2)} ms`);
    log(`${id}: ${asked.map(text).join(', ')}${membersText(stacks, out, id)}`);
  }
  return out;
}

/** A group case's members (workload.mjs prepareSequence): each one's median ms and ratio to the reference. */
function membersText(stacks, out, id) {
  return stacks.map((s) => {
    const members = out[s.name][id].members;
    if (!members) return '';
    const parts = Object.entries(members).map(([n, m]) => (m.error ? `${n} failed (${m.error.split('\n')[0]})` : `${n} ${m.median.toFixed(0)} ms (${m.vsReference.toFixed(2)}×)`));
    return `\n    ${s.name}: ${parts.join(', ')}`;
  }).join('');
}
