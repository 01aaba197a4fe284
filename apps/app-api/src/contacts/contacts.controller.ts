import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '@helpdeskly/errors';
import { ContactsErrorCode } from './contacts.errors';
import { ContactsService } from './contacts.service';
import {
  ContactDto,
  ContactPageDto,
  ContactParamsDto,
  CreateContactDto,
  ListContactsQueryDto,
  UpdateContactDto,
} from './dto/contact.dto';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a contact (a requester)' })
  @ApiCreatedResponse({ type: ContactDto })
  @ApiConflictResponse({ description: '`contact_email_taken` (emails are compared case-insensitively)' })
  create(@Body() dto: CreateContactDto): Promise<ContactDto> {
    return this.contacts.create(dto);
  }

  @Get()
  @ApiOperation({
    summary: 'Contacts by name',
    description: 'Optionally searched by part of the name or email; cursor pagination.',
  })
  @ApiOkResponse({ type: ContactPageDto })
  list(@Query() query: ListContactsQueryDto): Promise<ContactPageDto> {
    return this.contacts.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A contact' })
  @ApiOkResponse({ type: ContactDto })
  @ApiProblems(ContactsErrorCode.ContactNotFound)
  get(@Param() params: ContactParamsDto): Promise<ContactDto> {
    return this.contacts.get(params.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a contact', description: 'null clears phone or organization.' })
  @ApiOkResponse({ type: ContactDto })
  @ApiProblems(ContactsErrorCode.ContactNotFound, ContactsErrorCode.ContactEmailTaken)
  update(@Param() params: ContactParamsDto, @Body() dto: UpdateContactDto): Promise<ContactDto> {
    return this.contacts.update(params.id, dto);
  }
}
