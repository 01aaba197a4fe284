import EmailReplyParser from 'email-reply-parser';

/**
 * The part of a reply its sender wrote: quoted history ("On ... wrote:", `>` lines, in the
 * locales email-reply-parser knows) and signatures ("-- ", "Sent from my iPhone") removed. The
 * whole text when nothing is left, so that a reply is never stored empty; the full message stays
 * available from the raw copy.
 */
export function visibleReplyText(text: string): string {
  const visible = new EmailReplyParser().read(text).getVisibleText().trim();
  return visible.length > 0 ? visible : text.trim();
}
