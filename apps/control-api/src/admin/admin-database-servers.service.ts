import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@helpdeskly/auth';
import { AuditService } from '@helpdeskly/audit';
import { DatabaseServersService } from '@helpdeskly/tenants';
import type { ClientInfo } from '../common/client-info';
import {
  type DatabaseServerDto,
  type DatabaseServerListDto,
  type RegisterDatabaseServerDto,
  toDatabaseServerDto,
  withoutPassword,
} from './dto/database-server.dto';

/** The PostgreSQL servers that host tenant databases, for platform admins; admin URLs are shown without their password. */
@Injectable()
export class AdminDatabaseServersService {
  constructor(
    private readonly servers: DatabaseServersService,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<DatabaseServerListDto> {
    return { items: (await this.servers.list()).map(toDatabaseServerDto) };
  }

  async register(auth: AuthContext, dto: RegisterDatabaseServerDto, client: ClientInfo): Promise<DatabaseServerDto> {
    const server = await this.servers.register(dto);
    await this.audit.record({
      action: 'database_server.registered',
      actorUserId: auth.userId,
      targetType: 'database_server',
      targetId: server.id,
      ...client,
      // The admin URL without its password: the trail is read by every platform admin.
      metadata: {
        before: null,
        after: {
          name: server.name,
          adminUrl: withoutPassword(server.adminUrl),
          pgbouncerHost: server.pgbouncerHost,
          pgbouncerPort: server.pgbouncerPort,
          capacity: server.capacity,
          active: server.active,
        },
      },
    });
    return toDatabaseServerDto(server);
  }
}
