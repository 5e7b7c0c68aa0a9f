import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryExportSink, ExportKeyError } from '../../../functions/adapters/export-sink-dir.ts';
import { ExportWriteError, S3ExportSink } from '../../../functions/adapters/export-sink-s3.ts';

describe('directory export sink', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('writes keys as paths under its root and refuses keys that escape it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lowtouch-kpi-'));
    dirs.push(root);
    const sink = new DirectoryExportSink(root);
    await sink.put('kpi/dt=2026-11-21/email-kpis/email-kpis.csv', 'a,b\r\n', 'text/csv');
    expect(await readFile(join(root, 'kpi/dt=2026-11-21/email-kpis/email-kpis.csv'), 'utf8')).toBe('a,b\r\n');
    await expect(sink.put('../outside.csv', 'x', 'text/csv')).rejects.toThrow(ExportKeyError);
    await expect(sink.put('/etc/passwd', 'x', 'text/plain')).rejects.toThrow(/outside/);
    await expect(sink.put('kpi/../../x', 'x', 'text/plain')).rejects.toThrow(ExportKeyError);
  });
});

describe('S3 export sink', () => {
  const s3 = mockClient(S3Client);
  afterEach(() => s3.reset());

  it('puts each file under the prefix with its content type', async () => {
    s3.on(PutObjectCommand).resolves({});
    const sink = new S3ExportSink(new S3Client({ region: 'us-east-1' }), 'exports-bucket', 'lowtouch/');
    await sink.put('kpi/dt=2026-11-21/report.html', '<!doctype html>', 'text/html; charset=utf-8');
    const calls = s3.commandCalls(PutObjectCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      Bucket: 'exports-bucket',
      Key: 'lowtouch/kpi/dt=2026-11-21/report.html',
      Body: '<!doctype html>',
      ContentType: 'text/html; charset=utf-8',
    });
  });

  it('names the bucket, key and fix when S3 refuses', async () => {
    s3.on(PutObjectCommand).rejects(new Error('Access Denied'));
    const sink = new S3ExportSink(new S3Client({ region: 'us-east-1' }), 'exports-bucket');
    await expect(sink.put('kpi/dt=2026-11-21/x.csv', 'x', 'text/csv')).rejects.toThrow(ExportWriteError);
    await expect(sink.put('kpi/dt=2026-11-21/x.csv', 'x', 'text/csv')).rejects.toThrow(
      /s3:\/\/exports-bucket\/kpi\/dt=2026-11-21\/x\.csv: Access Denied; check/,
    );
  });
});
