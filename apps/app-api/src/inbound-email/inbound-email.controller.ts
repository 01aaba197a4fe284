import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthErrorCode, Roles } from '@helpdeskly/auth';
import { ApiProblems } from '@helpdeskly/errors';
import { InboundEmailPageDto, ListInboundEmailsQueryDto } from './dto/inbound-email.dto';
import { InboundEmailService } from './inbound-email.service';

@ApiTags('inbound-email')
@ApiBearerAuth()
@Controller('inbound-emails')
export class InboundEmailController {
  constructor(private readonly inbound: InboundEmailService) {}

  @Get()
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({
    summary: 'Every message the tenant received by email, and what became of it',
    description:
      'Newest first: the tickets and comments it made, and the messages recorded without one (auto-replies, bulk, bounces, our own mail), with the reason.',
  })
  @ApiOkResponse({ type: InboundEmailPageDto })
  @ApiProblems(AuthErrorCode.InsufficientRole)
  list(@Query() query: ListInboundEmailsQueryDto): Promise<InboundEmailPageDto> {
    return this.inbound.list(query);
  }
}
