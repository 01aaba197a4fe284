import { Global, Module } from '@nestjs/common';
import { MembershipsRepository } from './memberships.repository';
import { UsersRepository } from './users.repository';

/** Data access to users and memberships, shared by auth, passwords, members and admin. */
@Global()
@Module({ providers: [UsersRepository, MembershipsRepository], exports: [UsersRepository, MembershipsRepository] })
export class UsersModule {}
