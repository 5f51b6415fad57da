/**
 * The filter of `notify:list[:<fromDate>[:<toDate>]][:<regex>]` (protocol.md §7.16): dates
 * are whole UTC days, both ends included (toDate defaults to now); the regex is found in the
 * key or in the sender's name. A date that is not a real `YYYY-MM-DD` day, or a range that
 * ends before it starts, is AT0022.
 */
import type { NotifyListCommand } from '../../../protocol/index.js';
import { illegalArgument } from '../errors.js';
import { clientRegex } from '../regex-cache.js';
import { matchesRegex, type StoredNotification } from './stored-notification.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 60 * 60_000;

/** Epoch ms of 00:00:00.000 UTC of a `YYYY-MM-DD` day; AT0022 for anything else. */
export function parseListDate(text: string): number {
  const match = DAY.exec(text);
  if (match !== null) {
    const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day) return date.getTime();
  }
  throw illegalArgument(`Invalid date format: ${text} (expected YYYY-MM-DD)`);
}

export type NotificationFilter = (notification: StoredNotification) => boolean;

/** The filter a `notify:list` command asks for (validated: AT0022 / AT0003 for a bad regex). */
export function listFilter(command: NotifyListCommand, now: number): NotificationFilter {
  const from = command.fromDate === undefined ? undefined : parseListDate(command.fromDate);
  const to = command.toDate === undefined ? now : parseListDate(command.toDate) + DAY_MS - 1;
  if (from !== undefined && to < from) throw illegalArgument('ToDate cannot be less than FromDate');
  const regex = command.regex === undefined ? undefined : clientRegex(command.regex);
  return (notification) => {
    if (from !== undefined && (notification.notificationDateTime < from || notification.notificationDateTime > to)) return false;
    return regex === undefined || matchesRegex(notification, regex);
  };
}
