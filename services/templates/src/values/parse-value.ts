import { parseAddress } from './address.js';
import { parseBoolean } from './booleans.js';
import { parseEmail, parsePhone } from './contacts.js';
import { parseDate } from './dates.js';
import { parseId } from './identifiers.js';
import { parseMoney } from './money.js';
import { parseNumber, parsePercent } from './numbers.js';
import { clip, parseString } from './text.js';
import type { FieldType, Match, ParsedValue, ParseOptions } from './types.js';

/** A value found inside a longer text is less certain to be the field's value than a whole-text match. */
const PARTIAL_MATCH_FACTOR = 0.8;

function parseClipped(type: FieldType, text: string, options: ParseOptions): Match<unknown> | undefined {
  switch (type) {
    case 'string':
      return parseString(text);
    case 'date':
      return parseDate(text, options);
    case 'money':
      return parseMoney(text, options.defaultCurrency);
    case 'number':
      return parseNumber(text);
    case 'percent':
      return parsePercent(text);
    case 'id':
      return parseId(text);
    case 'address':
      return parseAddress(text);
    case 'email':
      return parseEmail(text);
    case 'phone':
      return parsePhone(text);
    case 'boolean':
      return parseBoolean(text);
    default:
      return undefined;
  }
}

/** The typed value found at the start of (or within) `text`, or undefined when none of that type is there. */
export function parseValue(type: FieldType, text: string, options: ParseOptions = {}): ParsedValue | undefined {
  // Callers pass OCR output and user samples; a malformed input must yield "not found", never an exception.
  if (typeof text !== 'string') return undefined;
  try {
    const input = clip(text);
    const match = parseClipped(type, input, options ?? {});
    if (!match) return undefined;
    const value = match.value.trim();
    const whole = value === input.trim();
    const confidence = Math.round((whole ? match.confidence : match.confidence * PARTIAL_MATCH_FACTOR) * 100) / 100;
    return { value, normalized: match.normalized, confidence };
  } catch {
    return undefined;
  }
}
