// trigger-latency: wall time from handing a sign-up event to ingestion until SES accepts the welcome it
// triggers, in the local runtime on dynalite and the SES emulator (one read, the plan, the claim, the
// render and the SendEmail call). The baseline is one bare SendEmail to the same emulator, measured in the
// same run, so the ratio shows what lowtouch adds on top of the mail call itself.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { startLocalRuntime } from '../cli/local-runtime.ts';
import { Account, Contact } from '../functions/core/shared/domain.ts';
import type { BenchResult } from './bench-result.ts';

const SIGNUPS = 60;
const START = Date.parse('2026-12-01T01:00:00Z'); // Tuesday 10:00 in Tokyo: inside the send window
const INSTANT = `
id: instant-welcome
kind: onboarding
topic: onboarding-tips
audience: { tiers: [high, low, tech] }
entry: { on: signup, within: 1h }
steps:
  - { id: welcome, after: 0d, template: onboarding/welcome }
`;

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? Number.NaN;
}

export async function benchTrigger(): Promise<BenchResult[]> {
  const campaigns = mkdtempSync(join(tmpdir(), 'lowtouch-bench-trigger-'));
  cpSync('campaigns', campaigns, { recursive: true });
  writeFileSync(join(campaigns, 'instant-welcome.yaml'), INSTANT);
  const acceptedAt = new Map<string, number>();
  const runtime = await startLocalRuntime({
    campaignsDir: campaigns,
    templatesDir: 'templates',
    start: START,
    seed: 1,
    onAccepted: (mail) => acceptedAt.set(mail.email.tags.sendId, performance.now()),
  });
  try {
    await runtime.repos.accounts.put(
      Account.parse({
        id: 'acc-bench',
        name: 'Bench KK',
        plan: 'business',
        status: 'trial',
        currency: 'JPY',
        arr: 0,
        mrr: 0,
        startedAt: '2026-11-01T00:00:00Z',
        tier: 'low',
      }),
    );
    const latencies: number[] = [];
    for (let i = 0; i < SIGNUPS; i++) {
      const id = `c-bench-${i}`;
      const at = new Date(runtime.clock.now()).toISOString();
      await runtime.repos.contacts.put(
        Contact.parse({
          id,
          accountId: 'acc-bench',
          email: `bench-${i}@example.com`,
          name: `Bench ${i}`,
          locale: i % 2 === 0 ? 'ja' : 'en',
          timeZone: 'Asia/Tokyo',
          role: 'admin',
          signedUpAt: at,
        }),
      );
      const started = performance.now();
      await runtime.ingest({
        type: 'signup',
        eventId: `signup-${id}`,
        contactId: id,
        accountId: 'acc-bench',
        at,
      });
      const done = acceptedAt.get(`instant-welcome#welcome#${id}`);
      if (done === undefined) throw new Error(`bench: no welcome reached SES for ${id}`);
      latencies.push(done - started);
    }

    const ses = new SESv2Client({
      endpoint: runtime.emulators.sesEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const bare: number[] = [];
    for (let i = 0; i < SIGNUPS; i++) {
      const started = performance.now();
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: 'bench@example.com',
          Destination: { ToAddresses: [`bare-${i}@example.com`] },
          Content: { Simple: { Subject: { Data: 'bench' }, Body: { Text: { Data: 'bench' } } } },
        }),
      );
      bare.push(performance.now() - started);
    }
    ses.destroy();
    const value = Math.round(p95(latencies));
    const baseline = Math.max(1, Math.round(p95(bare)));
    return [
      {
        name: 'trigger-latency',
        value,
        unit: 'ms p95',
        baseline,
        ratio: Math.round((value / baseline) * 100) / 100,
        target: '≤ 1000 ms p95 (baseline: one bare SendEmail)',
      },
    ];
  } finally {
    await runtime.stop();
  }
}
