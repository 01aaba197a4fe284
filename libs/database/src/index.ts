export { ControlDatabase } from './control-database';
export { DatabaseModule } from './database.module';
