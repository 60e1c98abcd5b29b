import { describeQueueCancel } from './queue-behaviour-cancel.js';
import { describeQueueLimits } from './queue-behaviour-limits.js';

describeQueueCancel('redis');
describeQueueLimits('redis');
