// Child side of a stack process: answers the parent's requests one at a time over the IPC channel
// of child_process.fork — 'prepare' a case (build, warm up), take one timed 'sample', 'release' it,
// 'exit'. Run by hand (no IPC channel), it runs every case of its part in turn and prints JSON.
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
    sample: (id) => sample(open[id].fn, open[id].reps),
    release: (id) => {
      open[id].dispose?.();
      delete open[id];
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

async function runAlone(adapter, plan, part, prepare) {
  const results = {};
  for (const id of CASES[part]) {
    const c = await prepare(id);
    const times = [];
    for (let i = 0; i < runsFor(plan, id); i++) times.push(await sample(c.fn, c.reps));
    c.dispose?.();
    results[id] = { ...c.meta, median: median(times), times };
    process.stderr.write(`${id}: median ${median(times).toFixed(2)} ms\n`);
  }
  process.stdout.write(`${JSON.stringify({ info: adapter.info, plan, results }, null, 2)}\n`);
}
