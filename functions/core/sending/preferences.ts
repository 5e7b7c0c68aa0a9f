import { z } from 'zod';
import type { Contact } from '../shared/domain.ts';

/** A topic's name and one-line description in one locale, as the preference center shows them. */
export const TopicText = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1),
});

/** The `topics:` block of policy.yaml: topic id → text per locale (en is required, the fallback). */
export const TopicsSpec = z.record(
  z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a topic id in kebab-case such as product-updates'),
  z.object({ en: TopicText }).catchall(TopicText),
);
export type TopicsSpec = z.infer<typeof TopicsSpec>;

/** How long the preference center can pause all mail. */
export const PAUSE_DAYS = [30, 90] as const;
export type PauseDays = (typeof PAUSE_DAYS)[number];

/** One change a contact asks for on the preference page. */
export type PreferenceChange =
  | { kind: 'topic'; topic: string; subscribed: boolean }
  | { kind: 'unsubscribe-all' }
  | { kind: 'resubscribe' }
  | { kind: 'pause'; days: PauseDays }
  | { kind: 'resume' };

/** The contact fields the preference center owns. */
export interface ContactPreferences {
  topicOptOuts: string[];
  unsubscribedAll: boolean;
  /** ISO time until which no campaign mail goes out; absent when not paused */
  pausedUntil?: string;
}

const DAY_MS = 86_400_000;

/** The instant a pause ends, when the contact's mail is paused at `now`; undefined otherwise. */
export function mailPausedUntil(contact: Pick<Contact, 'pausedUntil'>, now: number): number | undefined {
  if (!contact.pausedUntil) return undefined;
  const until = Date.parse(contact.pausedUntil);
  return Number.isFinite(until) && until > now ? until : undefined;
}

/** The contact's preferences after one change at `now`; the other fields are kept. */
export function applyPreferenceChange(
  current: ContactPreferences,
  change: PreferenceChange,
  now: number,
): ContactPreferences {
  const next: ContactPreferences = {
    topicOptOuts: [...current.topicOptOuts],
    unsubscribedAll: current.unsubscribedAll,
    ...(current.pausedUntil ? { pausedUntil: current.pausedUntil } : {}),
  };
  switch (change.kind) {
    case 'topic':
      next.topicOptOuts = change.subscribed
        ? next.topicOptOuts.filter((topic) => topic !== change.topic)
        : [...new Set([...next.topicOptOuts, change.topic])];
      // Choosing a topic is a request for mail: it lifts a global unsubscribe too.
      if (change.subscribed) next.unsubscribedAll = false;
      return next;
    case 'unsubscribe-all':
      next.unsubscribedAll = true;
      return next;
    case 'resubscribe':
      next.unsubscribedAll = false;
      next.topicOptOuts = [];
      delete next.pausedUntil;
      return next;
    case 'pause':
      next.pausedUntil = new Date(now + change.days * DAY_MS).toISOString();
      return next;
    case 'resume':
      delete next.pausedUntil;
      return next;
  }
}

/** Reads a change from the fields of a posted form; undefined when the form asks for nothing valid. */
export function parsePreferenceForm(
  form: URLSearchParams,
  knownTopics: ReadonlySet<string>,
): PreferenceChange | undefined {
  const action = form.get('action');
  const topic = form.get('topic') ?? '';
  switch (action) {
    case 'topic-on':
    case 'topic-off':
      return knownTopics.has(topic) ? { kind: 'topic', topic, subscribed: action === 'topic-on' } : undefined;
    case 'unsubscribe-all':
      return { kind: 'unsubscribe-all' };
    case 'resubscribe':
      return { kind: 'resubscribe' };
    case 'pause-30':
      return { kind: 'pause', days: 30 };
    case 'pause-90':
      return { kind: 'pause', days: 90 };
    case 'resume':
      return { kind: 'resume' };
    default:
      return undefined;
  }
}

/** A topic as the page lists it for one contact. */
export interface TopicView {
  id: string;
  name: string;
  description: string;
  subscribed: boolean;
}

/** The topics of the preference page in the page's language, in the order policy.yaml declares them. */
export function topicViews(topics: TopicsSpec, contact: ContactPreferences, language: string): TopicView[] {
  return Object.entries(topics).map(([id, texts]) => {
    const text = texts[language] ?? texts.en;
    return {
      id,
      name: text.name,
      description: text.description,
      subscribed: !contact.topicOptOuts.includes(id),
    };
  });
}
