import { Module } from '@nestjs/common';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { PasswordsController } from './passwords.controller';
import { PasswordsService } from './passwords.service';

/** Password change and reset by email (through the email outbox of NotificationsModule). */
@Module({ controllers: [PasswordsController], providers: [PasswordResetTokensRepository, PasswordsService] })
export class PasswordsModule {}
