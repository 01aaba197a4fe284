import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '@helpdeskly/errors';
import { CurrentTenant, type TenantContext } from '../tenancy/tenant-context';
import { AttachmentsErrorCode as Codes } from './attachments.errors';
import { AttachmentsService } from './attachments.service';
import { UploadListDto, UploadParamsDto } from './dto/upload.dto';
import { FILE_PARTS_BODY, readUploadedFiles } from './multipart-files';

/** The first step of a two-step upload: files kept for the caller until a comment references them. */
@ApiTags('attachments')
@ApiBearerAuth()
@Controller('uploads')
export class UploadsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post()
  @ApiOperation({
    summary: 'Upload files to attach to a comment later',
    description:
      "multipart/form-data as for a ticket's files (parts named `file`, ATTACHMENT_MAX_FILES of ATTACHMENT_MAX_BYTES, all kept or none, counted in the tenant's quota). The files are the caller's alone: reference their ids in `attachmentIds` of POST /v1/tickets/{id}/comments within 24 hours; unused, they are deleted after that.",
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILE_PARTS_BODY)
  @ApiCreatedResponse({ type: UploadListDto })
  @ApiProblems(
    Codes.NotMultipart,
    Codes.MalformedMultipart,
    Codes.NoFile,
    Codes.EmptyFile,
    Codes.QuotaExceeded,
    Codes.StorageUnavailable,
  )
  async create(@CurrentTenant() tenant: TenantContext, @Req() request: FastifyRequest): Promise<UploadListDto> {
    return this.attachments.uploadPending(tenant, await readUploadedFiles(request));
  }

  @Get()
  @ApiOperation({
    summary: 'Your uploads not attached yet',
    description: "The caller's own, unexpired, oldest first (e.g. to show a draft's files again).",
  })
  @ApiOkResponse({ type: UploadListDto })
  list(@CurrentTenant() tenant: TenantContext): Promise<UploadListDto> {
    return this.attachments.listPending(tenant);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Discard an upload not attached yet',
    description: "The caller's own only; once attached, the file is the comment's.",
  })
  @ApiNoContentResponse({ description: 'Deleted with its file' })
  @ApiProblems(Codes.UploadNotFound, Codes.StorageUnavailable)
  discard(@CurrentTenant() tenant: TenantContext, @Param() params: UploadParamsDto): Promise<void> {
    return this.attachments.discardUpload(tenant, params.id);
  }
}
