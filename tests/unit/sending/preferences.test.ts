import { describe, expect, it } from 'vitest';
import {
  applyPreferenceChange,
  mailPausedUntil,
  parsePreferenceForm,
  TopicsSpec,
  topicViews,
} from '../../../functions/core/sending/preferences.ts';

const now = Date.parse('2026-12-01T00:00:00Z');
const none = { topicOptOuts: [], unsubscribedAll: false };
const topics = TopicsSpec.parse({
  tips: {
    en: { name: 'Tips', description: 'Short guides.' },
    ja: { name: 'ヒント', description: '短いガイド。' },
  },
  news: { en: { name: 'News', description: 'What is new.' } },
});

describe('preference changes', () => {
  it('opts a topic out and back in; opting in lifts a global unsubscribe', () => {
    const off = applyPreferenceChange(none, { kind: 'topic', topic: 'tips', subscribed: false }, now);
    expect(off.topicOptOuts).toEqual(['tips']);
    const all = applyPreferenceChange(off, { kind: 'unsubscribe-all' }, now);
    const on = applyPreferenceChange(all, { kind: 'topic', topic: 'tips', subscribed: true }, now);
    expect(on).toEqual({ topicOptOuts: [], unsubscribedAll: false });
  });

  it('pauses for 30 or 90 days, honoured until the end, and resumes', () => {
    const paused = applyPreferenceChange(none, { kind: 'pause', days: 30 }, now);
    expect(paused.pausedUntil).toBe('2026-12-31T00:00:00.000Z');
    expect(mailPausedUntil(paused, now + 29 * 86_400_000)).toBe(Date.parse('2026-12-31T00:00:00Z'));
    expect(mailPausedUntil(paused, now + 30 * 86_400_000)).toBeUndefined();
    expect(applyPreferenceChange(paused, { kind: 'resume' }, now).pausedUntil).toBeUndefined();
    expect(applyPreferenceChange(none, { kind: 'pause', days: 90 }, now).pausedUntil).toBe(
      '2027-03-01T00:00:00.000Z',
    );
  });

  it('re-subscribe clears the global opt-out, topic opt-outs and the pause', () => {
    const state = { topicOptOuts: ['tips'], unsubscribedAll: true, pausedUntil: '2027-01-01T00:00:00Z' };
    expect(applyPreferenceChange(state, { kind: 'resubscribe' }, now)).toEqual(none);
  });

  it('reads only known actions and declared topics from a form', () => {
    const known = new Set(Object.keys(topics));
    expect(parsePreferenceForm(new URLSearchParams('action=topic-off&topic=tips'), known)).toEqual({
      kind: 'topic',
      topic: 'tips',
      subscribed: false,
    });
    expect(parsePreferenceForm(new URLSearchParams('action=topic-off&topic=other'), known)).toBeUndefined();
    expect(parsePreferenceForm(new URLSearchParams('action=pause-90'), known)).toEqual({
      kind: 'pause',
      days: 90,
    });
    expect(parsePreferenceForm(new URLSearchParams('action=drop-tables'), known)).toBeUndefined();
    expect(parsePreferenceForm(new URLSearchParams(''), known)).toBeUndefined();
  });

  it('lists topics in the reader language, falling back to en', () => {
    expect(topicViews(topics, { topicOptOuts: ['news'], unsubscribedAll: false }, 'ja')).toEqual([
      { id: 'tips', name: 'ヒント', description: '短いガイド。', subscribed: true },
      { id: 'news', name: 'News', description: 'What is new.', subscribed: false },
    ]);
  });
});
