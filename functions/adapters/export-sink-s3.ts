import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ExportSink } from '../app/export-kpis.ts';

/** Writing an export object to S3 failed. */
export class ExportWriteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExportWriteError';
  }
}

/** ExportSink on S3: one PutObject per file under an optional key prefix, encrypted at rest by the bucket. */
export class S3ExportSink implements ExportSink {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix = '',
  ) {}

  async put(key: string, body: string, contentType: string): Promise<void> {
    const objectKey = `${this.prefix}${key}`;
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: objectKey,
          Body: body,
          ContentType: contentType,
          // Reports are regenerated daily; caches must not serve yesterday's numbers for long.
          CacheControl: 'max-age=300',
        }),
      );
    } catch (error) {
      throw new ExportWriteError(
        `could not write s3://${this.bucket}/${objectKey}: ${error instanceof Error ? error.message : String(error)}; check the bucket name and the function's s3:PutObject permission`,
        { cause: error },
      );
    }
  }
}
