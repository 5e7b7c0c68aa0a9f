import { z } from 'zod';

type AnySchema = z.core.$ZodType;

/** A best-effort value of a schema: `partial` when keys had to be dropped to make it valid. */
export interface Salvaged<T> {
  value: T;
  partial: boolean;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unwrapOptional(schema: AnySchema): AnySchema {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodNullable
    )
      current = current.unwrap();
    else break;
  }
  return current;
}

/** The raw input with invalid keys dropped (recursively into mappings), or undefined when that is not enough. */
function repair(schema: AnySchema, raw: unknown): unknown {
  if (z.safeParse(schema, raw).success) return raw;
  const inner = unwrapOptional(schema);
  if (!(inner instanceof z.ZodObject) || !isMapping(raw)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const field: AnySchema | undefined = inner.shape[key];
    if (!field) continue;
    const fixed = repair(field, value);
    if (fixed !== undefined) out[key] = fixed;
  }
  return z.safeParse(schema, out).success ? out : undefined;
}

/**
 * Keeps what is valid of a file that failed its schema, so that its references can still be checked
 * (its errors are reported separately). Invalid optional keys are dropped; lists are kept whole or
 * dropped, never shortened, because later messages point at list positions.
 */
export function salvage<T extends z.ZodType>(schema: T, raw: unknown): Salvaged<z.infer<T>> | undefined {
  const direct = schema.safeParse(raw);
  if (direct.success) return { value: direct.data, partial: false };
  const fixed = repair(schema, raw);
  if (fixed === undefined) return undefined;
  const again = schema.safeParse(fixed);
  return again.success ? { value: again.data, partial: true } : undefined;
}

/** Each entry of a list that salvages, with its position in the file. */
export function salvageEntries<T extends z.ZodType>(
  schema: T,
  raw: unknown,
): { index: number; value: z.infer<T>; partial: boolean }[] {
  if (!Array.isArray(raw)) return [];
  const out: { index: number; value: z.infer<T>; partial: boolean }[] = [];
  raw.forEach((entry, index) => {
    const kept = salvage(schema, entry);
    if (kept) out.push({ index, ...kept });
  });
  return out;
}

/** A mapping's value with each invalid required key replaced by a stand-in, so the rest can be checked. */
export function withStandIns(
  schema: z.ZodObject,
  raw: unknown,
  standIns: Record<string, unknown>,
): Record<string, unknown> | undefined {
  if (!isMapping(raw)) return undefined;
  const out: Record<string, unknown> = { ...raw };
  for (const [key, standIn] of Object.entries(standIns)) {
    const field: AnySchema | undefined = schema.shape[key];
    if (field && !z.safeParse(field, out[key]).success) out[key] = repair(field, out[key]) ?? standIn;
  }
  return out;
}
