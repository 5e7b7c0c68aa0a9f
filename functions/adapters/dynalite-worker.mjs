// Runs dynalite on its own thread so the emulator's work does not compete with the runtime it serves.
// With `saveTo`, the data lives in memory during the run (a long simulation pays no disk cost per
// request) and a 'save' message copies every record into a LevelDB directory at that path, in the
// format dynalite reads back when started with `path`.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

// Resolved from dynalite's own directory, so the patched class is the one dynalite instantiates.
const require = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const memoryLevel = require('memory-level');
let memoryDb;
if (workerData.saveTo) {
  // dynalite builds its store with `new MemoryLevel(...)` from this same module: keep a handle on it.
  const Base = memoryLevel.MemoryLevel;
  memoryLevel.MemoryLevel = class CapturedMemoryLevel extends Base {
    constructor(...args) {
      super(...args);
      memoryDb = this;
    }
  };
}
const dynalite = require('dynalite');

const server = dynalite({
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
  ...(workerData.path && !workerData.saveTo ? { path: workerData.path } : {}),
});

async function save(path) {
  if (!memoryDb) throw new Error('dynalite is not running in memory; nothing to save');
  const { Level } = require('level');
  const disk = new Level(path, { valueEncoding: 'json' });
  await disk.open();
  let batch = disk.batch();
  let records = 0;
  for await (const [key, value] of memoryDb.iterator()) {
    batch.put(key, value);
    if (++records % 2000 === 0) {
      await batch.write();
      batch = disk.batch();
    }
  }
  await batch.write();
  await disk.close();
  return records;
}

server.once('error', (error) => parentPort.postMessage({ error: error.message }));
server.listen(workerData.port, workerData.host, () => {
  const address = server.address();
  parentPort.postMessage({ port: typeof address === 'object' && address ? address.port : undefined });
});
parentPort.on('message', (message) => {
  if (message === 'stop') {
    server.close(() => parentPort.close());
    server.closeAllConnections?.();
  } else if (message === 'save') {
    save(workerData.saveTo).then(
      (records) => parentPort.postMessage({ saved: records }),
      (error) =>
        parentPort.postMessage({ saveError: error instanceof Error ? error.message : String(error) }),
    );
  }
});
