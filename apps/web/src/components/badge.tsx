import type { ReactNode } from 'react';

/** A small label; `tone` picks one of the palette's colour pairs (each passes WCAG AA). */
export function Badge({
  tone = 'neutral',
  children,
  title,
}: {
  readonly tone?: string;
  readonly children: ReactNode;
  readonly title?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}
