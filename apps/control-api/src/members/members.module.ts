import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { MembershipRolesGuard } from './membership-roles.guard';

/**
 * Members of a tenant and invitations into it, always scoped to the access token's tenant. Its
 * global guard (after AuthModule's) checks every @Roles() route of control-api against the
 * caller's current membership.
 */
@Module({
  controllers: [MembersController, InvitationsController],
  providers: [
    InvitationsRepository,
    InvitationsService,
    MembersService,
    MembershipRolesGuard,
    { provide: APP_GUARD, useExisting: MembershipRolesGuard },
  ],
})
export class MembersModule {}
