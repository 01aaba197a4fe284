/** "ON_HOLD" → "On hold". */
export const humanize = (value: string): string => value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, ' ');

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A timestamp in the reader's locale and time zone. */
export const formatDateTime = (iso: string): string => dateTime.format(new Date(iso));

/** The colour pair of a status or priority badge (styles.css). */
export const statusTone = (status: string): string => `status-${status.toLowerCase()}`;
export const priorityTone = (priority: string): string => `priority-${priority.toLowerCase()}`;
