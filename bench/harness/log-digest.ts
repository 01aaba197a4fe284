// What the APIs logged as errors and warnings while a scenario ran (their JSON logs in
// .dev/bench/logs/), counted by message: the report says why requests failed, not only how many.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

export class LogDigest {
  private readonly offsets = new Map<string, number>();

  constructor(private readonly files: Readonly<Record<string, string>>) {}

  /** From now on. */
  mark(): void {
    for (const file of Object.values(this.files)) this.offsets.set(file, existsSync(file) ? statSync(file).size : 0);
  }

  /** "<name> logged: N × message, ..." per file with errors or warnings since mark(); the `top` most frequent messages. */
  since(top = 4): string[] {
    const lines: string[] = [];
    for (const [name, file] of Object.entries(this.files)) {
      const counts = new Map<string, number>();
      for (const line of readFrom(file, this.offsets.get(file) ?? 0).split('\n')) {
        if (!line.startsWith('{')) continue;
        let entry: { level?: unknown; msg?: unknown; err?: { message?: unknown } };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue;
        }
        if (entry.level !== 'error' && entry.level !== 'warn' && entry.level !== 'fatal') continue;
        const message = typeof entry.err?.message === 'string' ? entry.err.message : String(entry.msg);
        const key = `${entry.level}: ${message.replace(/\s+/g, ' ').trim().slice(0, 140)}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      if (counts.size === 0) continue;
      const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
      const shown = sorted.slice(0, top).map(([message, n]) => `${n} × "${message}"`);
      lines.push(
        `${name} logged: ${shown.join('; ')}${sorted.length > top ? `; and ${sorted.length - top} other messages` : ''}.`,
      );
    }
    return lines;
  }
}

function readFrom(file: string, offset: number): string {
  if (!existsSync(file)) return '';
  const size = statSync(file).size;
  if (size <= offset) return '';
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}
