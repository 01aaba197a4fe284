import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthErrorCode, Roles } from '@helpdeskly/auth';
import { ApiProblems } from '@helpdeskly/errors';
import { AttachmentsErrorCode } from '../attachments/attachments.errors';
import { PageQueryDto } from '../contacts/dto/contact.dto';
import { CurrentTenant, type TenantContext } from '../tenancy/tenant-context';
import { TicketParamsDto } from './dto/ticket.dto';
import { TrashPageDto } from './dto/trash.dto';
import { TicketsErrorCode } from './tickets.errors';
import { TrashService } from './trash.service';

@ApiTags('trash')
@ApiBearerAuth()
@Roles('OWNER', 'ADMIN')
@Controller('trash')
export class TrashController {
  constructor(private readonly trash: TrashService) {}

  @Get()
  @ApiOperation({ summary: 'Tickets in the trash', description: 'Most recently deleted first; OWNER and ADMIN only.' })
  @ApiOkResponse({ type: TrashPageDto })
  @ApiProblems(AuthErrorCode.InsufficientRole)
  list(@Query() query: PageQueryDto): Promise<TrashPageDto> {
    return this.trash.list(query);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Purge a ticket from the trash',
    description: 'For good, with its comments, tags and events.',
  })
  @ApiNoContentResponse({ description: 'Purged' })
  @ApiProblems(AuthErrorCode.InsufficientRole, TicketsErrorCode.NotInTrash, AttachmentsErrorCode.StorageUnavailable)
  purge(@CurrentTenant() tenant: TenantContext, @Param() params: TicketParamsDto): Promise<void> {
    return this.trash.purge(tenant, params.id);
  }
}
