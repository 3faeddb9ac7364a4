/** λ train-complete: SageMaker training-job state changes, from EventBridge via SQS (see functions/README.md). */
import { createTrainingEventsHandler } from '../shared/create-training-events-handler.ts';

export const handler = createTrainingEventsHandler();
