import { Module } from '@nestjs/common';
import { EmailAliasesController } from './email-aliases.controller';
import { EmailAliasesRepository } from './email-aliases.repository';
import { EmailAliasesService } from './email-aliases.service';

/** A tenant's extra hosted addresses, which app-api's inbound SMTP server accepts. */
@Module({ controllers: [EmailAliasesController], providers: [EmailAliasesRepository, EmailAliasesService] })
export class EmailAliasesModule {}
