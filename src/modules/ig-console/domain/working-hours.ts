/**
 * Working hours for the "access outside working hours" flag: Monday to Friday, 08:00 to 18:00
 * in Europe/London (so the boundary follows GMT/BST, not UTC).
 */
const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export interface LondonTime {
  /** YYYY-MM-DD in Europe/London. */
  date: string;
  weekday: string;
  hour: number;
  minute: number;
}

export function londonTime(at: Date): LondonTime {
  const parts: Record<string, string> = {};
  for (const p of LONDON.formatToParts(at)) parts[p.type] = p.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: parts.weekday,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

export function isWorkingHours(at: Date): boolean {
  const t = londonTime(at);
  if (t.weekday === 'Sat' || t.weekday === 'Sun') return false;
  return t.hour >= 8 && t.hour < 18;
}
