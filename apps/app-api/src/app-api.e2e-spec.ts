import { apiFoundationSuite } from '@helpdeskly/testing';
import { APP_API } from './app-api';
import { AppApiModule } from './app-api.module';

apiFoundationSuite({ app: 'app-api', api: APP_API, moduleFor: (config) => AppApiModule.forRoot(config) });
