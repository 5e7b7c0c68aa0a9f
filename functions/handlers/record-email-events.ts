import { lambdaDeps } from '../adapters/lambda-deps.ts';
import { lambdaFunction } from '../adapters/lambda-root.ts';
import { recordEmailEvent } from '../app/record-email-event.ts';
import { SesEventBridgeEvent } from '../core/tracking/ses-events.ts';

const fn = lambdaFunction('record-email-events');
const deps = lambdaDeps(fn);

/** SES events (EventBridge default bus → SQS): sends' first facts, suppressions, the breaker. */
export const handler = fn.wrap(
  fn.sqs('email-events', SesEventBridgeEvent, async (event) => recordEmailEvent(event, await deps.tracker())),
);
