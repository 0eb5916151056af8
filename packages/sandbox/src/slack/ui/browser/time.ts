/** Slack timestamps ("1712345678.000100"): order, clock time and day labels. */

/** Compares two timestamps in order, without float rounding. */
export function tsCmp(a: string, b: string): number {
  const x = String(a).split('.');
  const y = String(b).split('.');
  return (
    Number(x[0]) - Number(y[0]) || `${x[1] || ''}000000`.slice(0, 6).localeCompare(`${y[1] || ''}000000`.slice(0, 6))
  );
}

/** The timestamp's second as a Date. */
export function when(ts: string): Date {
  return new Date(Number(String(ts).split('.')[0]) * 1000);
}

/** The time of day, as a message header shows it. */
export function clock(ts: string): string {
  return when(ts).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

/** The day divider's label: Today, Yesterday or the date. */
export function dayOf(ts: string): string {
  const d = when(ts);
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86400000);
  if (d.toDateString() === today.toDateString()) return 'Today';
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return d.toLocaleDateString([], { weekday: 'long', month: 'long', day: 'numeric' });
}
