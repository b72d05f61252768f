/**
 * Helpers for suite result schemas (report.json). A result is computed with plain numbers, some
 * of which may be NaN (an accuracy over no examples); JSON writes those as null. The schemas say
 * so, and {@link SameShape} checks at compile time that a result type and its schema agree key
 * for key, so neither can drift from the other.
 */
import { z } from 'zod';

/** A measured number; null where it is undefined (NaN in memory, e.g. a rate over nothing). */
export const measure = z.number().nullable();

/** A count. */
export const count = z.number().int();

/** A type as JSON holds it: numbers may be null. */
type Json<T> = T extends number
  ? number | null
  : T extends string | boolean | null | undefined
    ? T
    : T extends readonly (infer U)[]
      ? Json<U>[]
      : { [K in keyof T]: Json<T[K]> };

type Equals<A, B> =
  (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

/** True when a result type and a schema's output type have the same keys and shapes. */
export type SameShape<T, S extends z.ZodType> = Equals<Json<T>, Json<z.output<S>>>;
