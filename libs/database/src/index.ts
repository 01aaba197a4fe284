export { ControlDatabase } from './control-database';
export { DatabaseModule } from './database.module';
export { SecretBox, SecretBoxError } from './crypto/secret-box';
