// Inbound mail parsing (libs/inbound-email) against a bare mailparser baseline, in one run:
// messages per second of a typical reply (text and HTML parts, a quoted history) and of a
// message with a 1 MB attachment, alternating rounds of ours (parse, noise, the visible reply
// text) and the baseline (simpleParser alone), then the memory that one message of SIZE_MB
// (a single attachment) takes to parse: peak RSS and heap above the idle process, as a ratio of
// the message's size. No database: parsing is what the SMTP server does before any query.
//
//   pnpm run bench:inbound-parse [-- MESSAGES_PER_ROUND [ROUNDS [SIZE_MB]]]     (default 400 4 50)
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { noiseOf, parseInboundMessage, visibleReplyText } from '@helpdeskly/inbound-email';

const [perRound = 400, rounds = 4, sizeMb = 50] = process.argv.slice(2).map(Number);
const OWN = new Set(['notifications@helpdeskly.local']);
const MB = 1024 * 1024;

const compose = (options: ConstructorParameters<typeof MailComposer>[0]) => new MailComposer(options).compile().build();

const reply = (i: number) =>
  compose({
    from: { name: 'Ada Lovelace', address: `ada${i}@example.com` },
    to: 'acme@inbound.example.com',
    subject: `Re: [#${i}] The printer is on fire`,
    messageId: `<bench-${i}@example.com>`,
    inReplyTo: '<ticket-00000000-0000-4000-8000-000000000000@helpdeskly>',
    references: ['<ticket-00000000-0000-4000-8000-000000000000@helpdeskly>'],
    text: `Thanks, that helped.\n\nOn Tue, Acme <acme@inbound.example.com> wrote:\n${'> Please unplug it and wait ten seconds.\n'.repeat(40)}`,
    html: `<p>Thanks, that helped.</p><blockquote>${'<p>Please unplug it and wait ten seconds.</p>'.repeat(40)}</blockquote>`,
  });

async function ours(raw: Buffer): Promise<void> {
  const message = await parseInboundMessage(raw);
  noiseOf(message, OWN);
  visibleReplyText(message.text);
}
async function baseline(raw: Buffer): Promise<void> {
  await simpleParser(raw);
}

async function perSecond(fn: (raw: Buffer) => Promise<void>, messages: readonly Buffer[]): Promise<number> {
  const started = performance.now();
  for (const raw of messages) await fn(raw);
  return messages.length / ((performance.now() - started) / 1000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function scenario(name: string, messages: readonly Buffer[]): Promise<void> {
  const size = messages.reduce((n, m) => n + m.length, 0) / messages.length;
  const ourRates: number[] = [];
  const baseRates: number[] = [];
  await perSecond(ours, messages.slice(0, 20)); // warm-up of both
  await perSecond(baseline, messages.slice(0, 20));
  for (let round = 0; round < rounds; round++) {
    // Alternating order, so drift of a shared machine hits both alike.
    if (round % 2 === 0) {
      ourRates.push(await perSecond(ours, messages));
      baseRates.push(await perSecond(baseline, messages));
    } else {
      baseRates.push(await perSecond(baseline, messages));
      ourRates.push(await perSecond(ours, messages));
    }
  }
  const o = median(ourRates);
  const b = median(baseRates);
  console.log(
    `${name.padEnd(28)} ${(size / 1024).toFixed(1).padStart(8)} KB  ours ${o.toFixed(0).padStart(6)} msg/s  mailparser ${b.toFixed(0).padStart(6)} msg/s  ratio ${(o / b).toFixed(2)}`,
  );
}

async function memoryOf(raw: Buffer): Promise<void> {
  globalThis.gc?.();
  const idle = process.memoryUsage();
  let peakRss = idle.rss;
  let peakHeap = idle.heapUsed + idle.external + idle.arrayBuffers;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed + m.external + m.arrayBuffers);
  }, 5);
  const started = performance.now();
  const message = await parseInboundMessage(raw);
  const ms = performance.now() - started;
  clearInterval(sampler);
  const after = process.memoryUsage();
  peakRss = Math.max(peakRss, after.rss);
  const rssMb = (peakRss - idle.rss) / MB;
  const heapMb = (peakHeap - (idle.heapUsed + idle.external + idle.arrayBuffers)) / MB;
  const sizeOf = raw.length / MB;
  console.log(
    `one message of ${sizeOf.toFixed(1)} MB (attachment ${(message.attachments[0]!.size / MB).toFixed(1)} MB): parsed in ${ms.toFixed(0)} ms; ` +
      `peak RSS +${rssMb.toFixed(0)} MB (${(rssMb / sizeOf).toFixed(1)}x the message), heap and buffers +${heapMb.toFixed(0)} MB (${(heapMb / sizeOf).toFixed(1)}x)`,
  );
}

async function main(): Promise<void> {
  console.log(
    `inbound parsing: ${perRound} messages a round, ${rounds} rounds (median shown), Node ${process.version}`,
  );
  const replies = await Promise.all(Array.from({ length: perRound }, (_, i) => reply(i)));
  await scenario('reply, text + HTML', replies);
  const attachment = Buffer.alloc(MB, 7);
  const withFile = await Promise.all(
    Array.from({ length: Math.max(10, Math.floor(perRound / 20)) }, async (_, i) =>
      compose({
        from: `bob${i}@example.com`,
        to: 'acme@inbound.example.com',
        subject: 'Logs attached',
        text: 'See the log.',
        attachments: [{ filename: 'app.log', content: attachment }],
      }),
    ),
  );
  await scenario('1 MB attachment', withFile);
  const big = await compose({
    from: 'carol@example.com',
    to: 'acme@inbound.example.com',
    subject: 'A big file',
    text: 'Here it is.',
    attachments: [{ filename: 'dump.bin', content: Buffer.alloc(sizeMb * MB, 1) }],
  });
  await memoryOf(big);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
