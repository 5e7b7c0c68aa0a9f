// Runs dynalite on its own thread so the emulator's work does not compete with the runtime it serves.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const server = dynalite({
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
  ...(workerData.path ? { path: workerData.path } : {}),
});
server.once('error', (error) => parentPort.postMessage({ error: error.message }));
server.listen(workerData.port, workerData.host, () => {
  const address = server.address();
  parentPort.postMessage({ port: typeof address === 'object' && address ? address.port : undefined });
});
parentPort.on('message', (message) => {
  if (message === 'stop') {
    server.close(() => parentPort.close());
    server.closeAllConnections?.();
  }
});
