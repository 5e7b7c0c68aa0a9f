import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ExportSink } from '../app/export-kpis.ts';

/** An export key would escape the output directory. */
export class ExportKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExportKeyError';
  }
}

/** ExportSink on a local directory: key kpi/dt=…/x.csv becomes <root>/kpi/dt=…/x.csv. */
export class DirectoryExportSink implements ExportSink {
  readonly root: string;
  readonly written: string[] = [];

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: string, _contentType: string): Promise<void> {
    const path = resolve(join(this.root, key));
    const inside = relative(this.root, path);
    if (isAbsolute(key) || inside.startsWith('..') || isAbsolute(inside) || inside === '') {
      throw new ExportKeyError(
        `export key "${key}" points outside ${this.root}; keys must be relative paths`,
      );
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body, 'utf8');
    this.written.push(path);
  }
}
