import { Global, Module } from '@nestjs/common';
import { ControlDatabase } from './control-database';

@Global()
@Module({ providers: [ControlDatabase], exports: [ControlDatabase] })
export class DatabaseModule {}
