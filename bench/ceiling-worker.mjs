// A thread of the microkernel probe (ceiling.mjs probeThread): instantiates the binary it is given,
// says it is ready, then answers each message (a call count) with that many calls' GFLOP/s.
import { parentPort, workerData } from 'node:worker_threads';
import { probeInstance } from './ceiling.mjs';

const probe = await probeInstance(workerData.binary);
parentPort.on('message', async (calls) => parentPort.postMessage(await probe.rate(calls)));
parentPort.postMessage('ready');
