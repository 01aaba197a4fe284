import 'reflect-metadata';
import { bootstrap } from '@helpdeskly/http';
import { CONTROL_API } from './control-api';
import { ControlApiModule } from './control-api.module';

void bootstrap(
  CONTROL_API,
  (config) => ControlApiModule.forRoot(config),
  (config) => config.http.controlPort,
);
