/** λ evolve: one `evolve` message of the AEGIS cycle per record (see functions/README.md). */
import { handleStageMessage } from '@harnessx/core';
import { createStageHandler } from '../shared/create-stage-handler.ts';

export const handler = createStageHandler({ functionName: 'evolve', run: handleStageMessage });
