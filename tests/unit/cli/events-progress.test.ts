import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETAIL_TYPES, readEventLine, readEventLines } from '../../../cli/import/event-lines.ts';
import { formatBar, formatLine, Progress } from '../../../cli/import/progress.ts';

const DIR = join(import.meta.dirname, '../../fixtures/events');
const fixtures = readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => JSON.parse(readFileSync(join(DIR, name), 'utf8')));

describe('event lines', () => {
  it('reads every fixture envelope as is', () => {
    for (const fixture of fixtures) {
      const read = readEventLine(JSON.stringify(fixture), 3);
      expect(read).toEqual({
        ok: true,
        line: 3,
        event: expect.objectContaining({ id: fixture.id }),
        wrapped: false,
      });
    }
  });

  it('wraps a bare SES record in an envelope whose id is a hash of the record', () => {
    for (const fixture of fixtures) {
      const bare = JSON.stringify(fixture.detail);
      const read = readEventLine(bare, 7);
      if (!read.ok) throw new Error(read.reason);
      expect(read.wrapped).toBe(true);
      expect(read.event.id).toMatch(/^replay-[0-9a-f]{32}$/);
      expect(read.event['detail-type']).toBe(fixture['detail-type']);
      expect(read.event.source).toBe('aws.ses');
      expect(read.event.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(read.event.detail.mail.messageId).toBe(fixture.detail.mail.messageId);
      // Deterministic: the same record (even re-spaced, on another line) gets the same id.
      const again = readEventLine(JSON.stringify(fixture.detail, null, 1).replaceAll('\n', ''), 99);
      expect(again.ok && again.event.id).toBe(read.event.id);
    }
    const ids = fixtures.map((fixture) => {
      const read = readEventLine(JSON.stringify(fixture.detail), 1);
      return read.ok ? read.event.id : '';
    });
    expect(new Set(ids).size).toBe(fixtures.length);
  });

  it('takes the region of a wrapped record from its source ARN', () => {
    const send = fixtures.find((fixture) => fixture.detail.eventType === 'Send');
    const read = readEventLine(JSON.stringify(send.detail), 1);
    expect(read.ok && read.event.region).toBe('us-east-1');
    expect(read.ok && read.event.account).toBe('123456789012');
  });

  it('unwraps an SQS message that carries the envelope in its body', () => {
    const message = { MessageId: 'm-1', Body: JSON.stringify(fixtures[0]) };
    const read = readEventLine(JSON.stringify(message), 2);
    expect(read.ok && read.event.id).toBe(fixtures[0].id);
    const lambdaRecord = { messageId: 'm-1', body: JSON.stringify(fixtures[1]) };
    expect(readEventLine(JSON.stringify(lambdaRecord), 2).ok).toBe(true);
  });

  it('says why a line cannot be used', () => {
    const reasons = readEventLines(
      [
        'garbage {',
        '',
        '[1,2]',
        JSON.stringify({ notificationType: 'Bounce', mail: {} }),
        JSON.stringify({ ...fixtures[0], detail: { ...fixtures[0].detail, mail: { messageId: 'x' } } }),
        JSON.stringify({ hello: 'world' }),
        JSON.stringify({ Body: 'not json' }),
      ].join('\n'),
    ).map((line) => (line.ok ? 'ok' : `${line.line}: ${line.reason}`));
    expect(reasons).toEqual([
      expect.stringMatching(/^1: not JSON \(.*\); each line must be one JSON object$/),
      '3: not a JSON object; each line must be one SES event record',
      expect.stringMatching(/^4: an SES feedback notification \(notificationType\)/),
      expect.stringMatching(/^5: not an SES event in an EventBridge envelope: detail\.mail\.timestamp: /),
      '6: neither an EventBridge envelope (with "detail") nor an SES record (with "eventType" and "mail")',
      expect.stringMatching(/^7: an SQS message whose body is not JSON/),
    ]);
  });

  it('knows the detail-type of every SES event type in the fixtures', () => {
    for (const fixture of fixtures) {
      const type: keyof typeof DETAIL_TYPES = fixture.detail.eventType;
      expect(DETAIL_TYPES[type]).toBe(fixture['detail-type']);
    }
  });
});

describe('progress', () => {
  const state = { label: 'import contacts', done: 250, total: 1000, elapsedMs: 500, unit: 'rows' };

  it('formats a bar with percent, counts and rate', () => {
    const bar = formatBar(state, 100);
    expect(bar).toMatch(/^import contacts \[#+-+\] {2}25% {2}250\/1,000 rows {2}500 rows\/s$/);
    const inner = /\[(.*)\]/.exec(bar)?.[1] ?? '';
    expect(inner.replaceAll('-', '').length / inner.length).toBeCloseTo(0.25, 1);
    expect(formatBar({ ...state, done: 1000 }, 100)).toContain(`[${'#'.repeat(inner.length)}]`);
  });

  it('formats a plain line, and a rate before any time has passed', () => {
    expect(formatLine(state)).toBe('import contacts: 25% (250/1,000 rows, 500 rows/s)');
    expect(formatLine({ ...state, done: 3, elapsedMs: 2000 })).toBe(
      'import contacts: 0% (3/1,000 rows, 1.5 rows/s)',
    );
    expect(formatLine({ ...state, done: 0, elapsedMs: 0 })).toBe(
      'import contacts: 0% (0/1,000 rows, — rows/s)',
    );
    expect(formatLine({ ...state, done: 0, total: 0 })).toContain('100%');
  });

  it('writes one line per 10% when stderr is not a terminal', () => {
    const written: string[] = [];
    let time = 0;
    const progress = new Progress(
      'import usage',
      50,
      { isTTY: false, write: (t) => written.push(t) },
      () => time,
    );
    for (let i = 0; i < 50; i++) {
      time += 10;
      progress.advance(1);
    }
    progress.finish();
    expect(written).toHaveLength(10);
    expect(written[0]).toBe('import usage: 10% (5/50 rows, 100 rows/s)\n');
    expect(written.at(-1)).toBe('import usage: 100% (50/50 rows, 100 rows/s)\n');
  });

  it('redraws a terminal bar in place at most every 100 ms and ends the line on finish', () => {
    const written: string[] = [];
    let time = 0;
    const progress = new Progress(
      'replay',
      1000,
      { isTTY: true, columns: 80, write: (t) => written.push(t) },
      () => time,
    );
    for (let i = 0; i < 1000; i++) {
      time += 1;
      progress.advance(1);
    }
    progress.finish();
    // First draw at 1 ms, then every 100 ms (10 draws), plus the final one and the newline.
    expect(written.length).toBe(12);
    expect(
      written.every((text, i) => (i === written.length - 1 ? text === '\n' : text.startsWith('\r'))),
    ).toBe(true);
    expect(written.at(-2)).toContain('100%  1,000/1,000 rows');
  });
});
