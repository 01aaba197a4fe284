import { Injectable } from '@nestjs/common';
import { TicketPriority } from '@helpdeskly/database';
import { SettingsErrorCode, SettingsException } from './settings.errors';
import { SettingsRepository } from './settings.repository';
import { type SlaTargets, slaFromStored } from './sla';

const SLA_KEY = 'sla';

/** The tenant's SLA targets per priority; tickets read them to compute their due times. */
@Injectable()
export class SlaSettingsService {
  constructor(private readonly settings: SettingsRepository) {}

  async get(): Promise<SlaTargets> {
    return slaFromStored(await this.settings.get(SLA_KEY));
  }

  async put(sla: SlaTargets): Promise<SlaTargets> {
    const errors = Object.values(TicketPriority)
      .filter((p) => sla[p].firstResponseMinutes > sla[p].resolutionMinutes)
      .map((p) => ({ field: `body.${p}.firstResponseMinutes`, code: 'notAfterResolution', message: `${p}: the first response cannot be due after the resolution` }));
    if (errors.length > 0) throw new SettingsException(SettingsErrorCode.InvalidSla, 'A first-response target is longer than its resolution target.', errors);
    const value = Object.fromEntries(Object.values(TicketPriority).map((p) => [p, { firstResponseMinutes: sla[p].firstResponseMinutes, resolutionMinutes: sla[p].resolutionMinutes }]));
    await this.settings.put(SLA_KEY, value);
    return slaFromStored(value);
  }
}
