import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type NodemailerError, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { AppConfig } from '@helpdeskly/config';
import { CircuitBreakerRegistry } from '@helpdeskly/resilience';
import type { RenderedEmail } from './templates/render';

/** The breaker in front of the SMTP server. */
export const SMTP_BREAKER = 'smtp';

export interface OutgoingEmail extends RenderedEmail {
  readonly to: string;
  readonly cc?: readonly string[];
  readonly senderName: string;
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY']);

/**
 * The SMTP server could not be reached or talked to (refused, dropped, DNS, TLS, no greeting,
 * 421 "service not available"): nothing is wrong with the message, so the job waits for the
 * server instead of spending an attempt.
 */
export function isSmtpUnreachable(error: unknown): boolean {
  const e = error as NodemailerError;
  if (e.responseCode === 421) return true;
  if (e.code === 'ETIMEDOUT') return e.timeoutType === 'CONNECT_TIMEOUT' || e.timeoutType === 'GREETING_TIMEOUT';
  return e.responseCode === undefined && CONNECTION_CODES.has(e.code ?? '');
}

/** What counts against the breaker: the server unreachable, or a command that timed out. */
const isSmtpOutage = (error: unknown) => isSmtpUnreachable(error) || (error as NodemailerError).code === 'ETIMEDOUT';

/** The server refused this message for good (5xx except 503): retrying would get the same answer. */
export const isPermanentRejection = (error: unknown) => (error as NodemailerError).permanent === true;

/**
 * SMTP delivery (SMTP_HOST, SMTP_PORT...) through the `smtp` circuit breaker. One connection per
 * message, so a message never waits behind another's slow DATA.
 */
@Injectable()
export class SmtpMailer implements OnApplicationShutdown {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(
    private readonly config: AppConfig,
    private readonly breakers: CircuitBreakerRegistry,
  ) {
    const { smtp } = config.mail;
    this.transport = createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
      connectionTimeout: smtp.timeoutMs,
      greetingTimeout: smtp.timeoutMs,
      socketTimeout: smtp.timeoutMs,
    });
  }

  /** Resolves with the server's answer once it accepted the message; rejects with nodemailer's error or BreakerOpenError. */
  async send(email: OutgoingEmail): Promise<string> {
    const info = await this.breakers.execute(
      SMTP_BREAKER,
      () =>
        this.transport.sendMail({
          from: { name: email.senderName, address: this.config.mail.from },
          to: email.to,
          ...(email.cc && email.cc.length > 0 ? { cc: [...email.cc] } : {}),
          ...(email.replyTo ? { replyTo: email.replyTo } : {}),
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: email.messageId,
          ...(email.inReplyTo ? { inReplyTo: email.inReplyTo, references: email.references } : {}),
        }),
      { isFailure: isSmtpOutage },
    );
    return info.response;
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
