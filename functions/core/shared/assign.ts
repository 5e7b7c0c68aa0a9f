import { createHash } from 'node:crypto';

/** A deterministic number in [0, 1) from a contact, a campaign and a purpose ("holdout", "variant"). */
export function unitHash(contactId: string, campaignId: string, purpose: string): number {
  const digest = createHash('sha256').update(`${purpose}\u0000${campaignId}\u0000${contactId}`).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

/** Picks a weighted option by a unit value: the option whose cumulative weight band holds u. */
export function pickWeighted<T extends { weight: number }>(
  options: readonly T[],
  total: number,
  u: number,
): T | undefined {
  let edge = 0;
  const target = u * total;
  for (const option of options) {
    edge += option.weight;
    if (target < edge) return option;
  }
  return options[options.length - 1];
}

/** The campaign id under which the program-wide holdout is drawn: one draw per contact for every campaign. */
const GLOBAL_HOLDOUT_KEY = '*program*';

/** Whether a contact falls in a program-wide holdout of the given share (0–1); the same answer everywhere. */
export function inGlobalHoldout(contactId: string, share: number): boolean {
  return share > 0 && unitHash(contactId, GLOBAL_HOLDOUT_KEY, 'holdout') < share;
}
