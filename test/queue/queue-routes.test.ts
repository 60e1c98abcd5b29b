import { describeQueuePositions } from './queue-behaviour-positions.js';
import { describeQueueRoutes } from './queue-behaviour-routes.js';

describeQueueRoutes('memory');
describeQueuePositions('memory');
