import type { ExportSink } from '../../app/export-kpis.ts';

/** ExportSink that keeps every object in memory, keyed like S3. */
export class InMemoryExportSink implements ExportSink {
  readonly objects = new Map<string, { body: string; contentType: string }>();

  async put(key: string, body: string, contentType: string): Promise<void> {
    this.objects.set(key, { body, contentType });
  }

  body(key: string): string {
    const object = this.objects.get(key);
    if (!object) throw new Error(`no object ${key}; have ${[...this.objects.keys()].join(', ')}`);
    return object.body;
  }
}
