import { describeQueueCancel } from './queue-behaviour-cancel.js';
import { describeQueueLimits } from './queue-behaviour-limits.js';

describeQueueCancel('memory');
describeQueueLimits('memory');
