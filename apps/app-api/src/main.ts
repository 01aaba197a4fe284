import 'reflect-metadata';
import { bootstrap } from '@helpdeskly/http';
import { APP_API } from './app-api';
import { AppApiModule } from './app-api.module';

void bootstrap(
  APP_API,
  (config) => AppApiModule.forRoot(config),
  (config) => config.http.appPort,
);
