// Child side of a stack process: answers the parent's requests one at a time over the IPC channel
// of child_process.fork — 'prepare' a case (build, warm up), take one timed 'sample' (followed, for
// cases that pair their samples with the microkernel ceiling, by a probe run: ceiling.mjs),
// 'release' it (replying with what the pairs found), 'exit'. Run by hand (no IPC channel), it runs
// every case of its part in turn and prints JSON.
import { CASES, caseRunner, runsFor } from './workload.mjs';
import { median, sample } from './timing.mjs';

export async function serve(adapter, plan, part) {
  const prepare = caseRunner(adapter, plan);
  if (!process.send) return runAlone(adapter, plan, part, prepare);

  const open = {};
  const handlers = {
    prepare: async (id) => {
      open[id] = await prepare(id);
      return open[id].meta;
    },
    sample: (id) => timedSample(open[id]),
    release: (id) => {
      const summary = open[id].summary?.() ?? {};
      open[id].dispose?.();
      delete open[id];
      return summary;
    },
    exit: () => process.exit(0),
  };
  process.on('message', async ({ seq, cmd, id }) => {
    try {
      process.send({ seq, ok: true, reply: await handlers[cmd](id) });
    } catch (error) {
      process.send({ seq, ok: false, error: String(error?.stack ?? error) });
    }
  });
  process.on('disconnect', () => process.exit(1)); // the parent went away
  process.send({ seq: 0, ok: true, reply: adapter.info }); // ready
}

/** One timed sample of a prepared case, then its paired probe run (not timed with it), if any. */
async function timedSample(c) {
  const ms = await sample(c.fn, c.reps);
  await c.after?.(ms);
  return ms;
}

async function runAlone(adapter, plan, part, prepare) {
  const results = {};
  for (const id of CASES[part]) {
    if (runsFor(plan, id) === 0) continue; // a case this stack's plan leaves out
    const c = await prepare(id);
    if (c.meta.error) {
      results[id] = c.meta;
      process.stderr.write(`${id}: cannot (${c.meta.error})\n`);
      continue;
    }
    const times = [];
    for (let i = 0; i < runsFor(plan, id); i++) times.push(await timedSample(c));
    const summary = c.summary?.() ?? {};
    c.dispose?.();
    results[id] = { ...c.meta, ...summary, median: median(times), times };
    process.stderr.write(`${id}: median ${median(times).toFixed(2)} ms\n`);
  }
  process.stdout.write(`${JSON.stringify({ info: adapter.info, plan, results }, null, 2)}\n`);
}
