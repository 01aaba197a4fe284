import { apiFoundationSuite } from '@helpdeskly/testing';
import { CONTROL_API } from './control-api';
import { ControlApiModule } from './control-api.module';

apiFoundationSuite({ app: 'control-api', api: CONTROL_API, moduleFor: (config) => ControlApiModule.forRoot(config) });
