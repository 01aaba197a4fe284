export * from './audit-chain';
export * from './audit-partitions.repository';
export * from './audit-partitions.service';
export * from './audit-trail.module';
export * from './audit.repository';
export * from './audit.service';
export * from './dto/audit-log-query.dto';
