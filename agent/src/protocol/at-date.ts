/**
 * Timestamps as the @protocol writes them: Dart's `DateTime.toUtc().toString()`,
 * `YYYY-MM-DD HH:MM:SS.mmmZ` (protocol.md §5.2). Java's SDK parses exactly that pattern, so a
 * server must write three fraction digits and a space; readers also accept ISO-8601 with `T`,
 * other fraction lengths (Dart prints microseconds when present) and explicit offsets.
 */

const AT_DATE = /^([+-]?\d{4,6})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `2024-10-24 01:35:02.123Z`. Throws RangeError for an invalid Date (a programming error). */
export function formatAtDate(date: Date): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) {
    throw new RangeError('cannot format an invalid Date');
  }
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)} ` +
    `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.` +
    `${pad(date.getUTCMilliseconds(), 3)}Z`
  );
}

/**
 * Parses a protocol timestamp; undefined when the text is not one. Text without a zone is
 * taken as UTC, which is what every server writes. Sub-millisecond digits are dropped.
 */
export function parseAtDate(text: string): Date | undefined {
  const match = AT_DATE.exec(text.trim());
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = match[7];
  const zone = match[8];
  const millis = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const rolledOver =
    date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59;
  if (Number.isNaN(date.getTime()) || rolledOver) return undefined;
  if (zone === undefined || zone.toUpperCase() === 'Z') return date;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return new Date(date.getTime() - sign * offsetMinutes * 60_000);
}
