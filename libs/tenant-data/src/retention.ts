/**
 * How long a deleted ticket stays in the trash, restorable: app-api's trash promises it, the
 * worker's daily purge keeps it. One number for both.
 */
export const TRASH_RETENTION_DAYS = 30;
