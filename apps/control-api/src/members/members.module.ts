import { Module } from '@nestjs/common';
import { InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';

/** Members of a tenant and invitations into it, always scoped to the access token's tenant. */
@Module({
  controllers: [MembersController, InvitationsController],
  providers: [InvitationsRepository, InvitationsService, MembersService],
})
export class MembersModule {}
