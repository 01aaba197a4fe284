import { Injectable } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { AppConfig } from '@helpdeskly/config';
import { type DeliveryDecision, deliveryDecisionOf } from './delivery-decision';

/** Hands a fetched message, as it is, to app-api's inbound SMTP server (INBOUND_DELIVERY_URL). */
@Injectable()
export class InboundDelivery {
  private readonly transport: Transporter | null;

  constructor(config: AppConfig) {
    const target = config.inbound.delivery;
    // A hop inside our own network; app-api's STARTTLS, when offered, is for the Internet's servers.
    this.transport = target
      ? createTransport({
          host: target.host,
          port: target.port,
          secure: false,
          ignoreTLS: true,
          connectionTimeout: 10_000,
        })
      : null;
  }

  /** `from`: the envelope sender (the message's From, or '' for none). */
  async deliver(raw: Buffer, from: string, to: string): Promise<DeliveryDecision> {
    if (!this.transport) throw new Error('INBOUND_DELIVERY_URL is not set');
    try {
      await this.transport.sendMail({ envelope: { from, to }, raw });
      return deliveryDecisionOf();
    } catch (error) {
      return deliveryDecisionOf(error);
    }
  }
}
