import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@helpdeskly/errors';
import { AuthErrorCode, Roles } from '@helpdeskly/auth';
import { CurrentTenant, type TenantContext } from '../tenancy/tenant-context';
import {
  AddTagsDto,
  RenameTagDto,
  TagDto,
  TagListDto,
  TagParamsDto,
  TicketTagParamsDto,
  TicketTagsDto,
  TicketTagsParamsDto,
} from './dto/tag.dto';
import { TicketsErrorCode } from '../tickets/tickets.errors';
import { TagsErrorCode } from './tags.errors';
import { TagsService } from './tags.service';

@ApiTags('tags')
@ApiBearerAuth()
@Controller()
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  @Post('tickets/:id/tags')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Tag a ticket',
    description:
      'Adds the tags (creating new ones); tags the ticket already carries are ignored. Answers all of its tags.',
  })
  @ApiOkResponse({ type: TicketTagsDto })
  @ApiProblems(TicketsErrorCode.TicketNotFound)
  add(
    @CurrentTenant() tenant: TenantContext,
    @Param() params: TicketTagsParamsDto,
    @Body() dto: AddTagsDto,
  ): Promise<TicketTagsDto> {
    return this.tags.addToTicket(tenant, params.id, dto.tags);
  }

  @Delete('tickets/:id/tags/:tag')
  @ApiOperation({
    summary: 'Remove a tag from a ticket',
    description: "Idempotent: answers the ticket's tags whether or not it carried this one.",
  })
  @ApiOkResponse({ type: TicketTagsDto })
  @ApiProblems(TicketsErrorCode.TicketNotFound)
  remove(@CurrentTenant() tenant: TenantContext, @Param() params: TicketTagParamsDto): Promise<TicketTagsDto> {
    return this.tags.removeFromTicket(tenant, params.id, params.tag);
  }

  @Get('tags')
  @ApiOperation({
    summary: "The tenant's tags",
    description: 'By name, each with the number of tickets (outside the trash) carrying it.',
  })
  @ApiOkResponse({ type: TagListDto })
  list(): Promise<TagListDto> {
    return this.tags.list();
  }

  @Patch('tags/:name')
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({ summary: 'Rename a tag', description: 'Every ticket carrying it gets a `tags` event.' })
  @ApiOkResponse({ type: TagDto })
  @ApiProblems(AuthErrorCode.InsufficientRole, TagsErrorCode.TagNotFound, TagsErrorCode.TagNameTaken)
  rename(
    @CurrentTenant() tenant: TenantContext,
    @Param() params: TagParamsDto,
    @Body() dto: RenameTagDto,
  ): Promise<{ name: string }> {
    return this.tags.rename(tenant, params.name, dto.name);
  }

  @Delete('tags/:name')
  @Roles('OWNER', 'ADMIN')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a tag', description: 'Removes it from every ticket (each gets a `tags` event).' })
  @ApiNoContentResponse()
  @ApiProblems(AuthErrorCode.InsufficientRole, TagsErrorCode.TagNotFound)
  delete(@CurrentTenant() tenant: TenantContext, @Param() params: TagParamsDto): Promise<void> {
    return this.tags.delete(tenant, params.name);
  }
}
