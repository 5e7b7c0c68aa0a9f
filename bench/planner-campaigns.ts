// Seven more campaigns beside the shipped three, so the planner bench runs ten active campaigns.
export const EXTRA_CAMPAIGNS: Record<string, string> = {
  'trial-conversion.yaml': `
id: trial-conversion
kind: onboarding
topic: onboarding-tips
audience: { when: { account.status: trial, account.trialEndsAt: { inDays: 14 } } }
steps:
  - { id: week-left, at: { field: account.trialEndsAt, offset: -7d }, template: onboarding/welcome }
  - { id: two-days, at: { field: account.trialEndsAt, offset: -2d }, template: onboarding/welcome }
`,
  're-engage.yaml': `
id: re-engage
kind: onboarding
topic: onboarding-tips
audience: { segment: at-risk, tiers: [low, tech] }
entry: { when: { usage.lastLoginAt: { olderThanDays: 14 } } }
goal: { when: { usage.logins7d: { gte: 2 } } }
steps:
  - { id: miss-you, after: 0d, template: onboarding/welcome }
  - { id: help, after: 4d, template: onboarding/check-in }
`,
  'reports-adoption.yaml': `
id: reports-adoption
kind: release
topic: product-updates
audience: { when: { usage.features.reports.count: 0, usage.features.projects.count: { gte: 3 } } }
goal: { when: { usage.features.reports.count: { gte: 1 } } }
steps: [ { id: try-reports, after: 0d, template: onboarding/first-project } ]
`,
  'integrations-adoption.yaml': `
id: integrations-adoption
kind: release
topic: product-updates
audience: { when: { usage.features.integrations.count: 0, usage.logins30d: { gte: 8 } } }
goal: { when: { usage.milestones.integrationConnected: true } }
steps: [ { id: connect, after: 1d, template: onboarding/first-project } ]
`,
  'automations-upsell.yaml': `
id: automations-upsell
kind: release
topic: product-updates
audience: { segment: power, when: { usage.features.automations.count: 0 } }
steps: [ { id: upsell, after: 0d, template: feature-release/announce-power } ]
`,
  'nps-survey.yaml': `
id: nps-survey
kind: alert
topic: surveys
audience: { when: { contact.signedUpAt: { olderThanDays: 90 }, account.status: active } }
reentry: { after: 180d }
steps: [ { id: ask, after: 0d, template: onboarding/check-in } ]
`,
  'guest-access.yaml': `
id: guest-access
kind: release
topic: product-updates
audience: { when: { usage.features.projects.count: { gte: 10 }, usage.features.guest-access.count: 0 } }
steps: [ { id: invite-guests, after: 0d, template: onboarding/invite-team } ]
`,
};
