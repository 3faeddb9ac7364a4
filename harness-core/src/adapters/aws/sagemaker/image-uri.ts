/**
 * The Hugging Face PyTorch training DLC for a region. The images live in a per-region ECR registry
 * whose account differs in opt-in regions and China (the map the SageMaker Python SDK and the DLC
 * repository carry); a region missing here is refused rather than guessed, and `image.uri` covers it.
 */
import { InputError } from '../../../errors.ts';
import type { TrainingImageSpec } from '../../../ports/training-backend.ts';

const DEFAULT_ACCOUNT = '763104351884';

export const DLC_REGISTRY_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': DEFAULT_ACCOUNT,
  'us-east-2': DEFAULT_ACCOUNT,
  'us-west-1': DEFAULT_ACCOUNT,
  'us-west-2': DEFAULT_ACCOUNT,
  'ca-central-1': DEFAULT_ACCOUNT,
  'sa-east-1': DEFAULT_ACCOUNT,
  'eu-central-1': DEFAULT_ACCOUNT,
  'eu-north-1': DEFAULT_ACCOUNT,
  'eu-west-1': DEFAULT_ACCOUNT,
  'eu-west-2': DEFAULT_ACCOUNT,
  'eu-west-3': DEFAULT_ACCOUNT,
  'ap-northeast-1': DEFAULT_ACCOUNT,
  'ap-northeast-2': DEFAULT_ACCOUNT,
  'ap-south-1': DEFAULT_ACCOUNT,
  'ap-southeast-1': DEFAULT_ACCOUNT,
  'ap-southeast-2': DEFAULT_ACCOUNT,
  'af-south-1': '626614931356',
  'ap-east-1': '871362719292',
  'ap-east-2': '975050140332',
  'ap-northeast-3': '364406365360',
  'ap-south-2': '772153158452',
  'ap-southeast-3': '907027046896',
  'ap-southeast-4': '457447274322',
  'ap-southeast-5': '550225433462',
  'ap-southeast-7': '590183813437',
  'ca-west-1': '204538143572',
  'eu-central-2': '380420809688',
  'eu-south-1': '692866216735',
  'eu-south-2': '503227376785',
  'il-central-1': '780543022126',
  'me-central-1': '914824155844',
  'me-south-1': '217643126080',
  'mx-central-1': '637423239942',
  'cn-north-1': '727897471807',
  'cn-northwest-1': '727897471807',
  'us-gov-east-1': '446045086412',
  'us-gov-west-1': '442386744353',
};

export const HF_TRAINING_REPOSITORY = 'huggingface-pytorch-training';

/** `amazonaws.com.cn` in the China partition, `amazonaws.com` elsewhere. */
export function ecrDomain(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** The training image URI: `image.uri` as given, or the HF DLC tag built for `region`. */
export function resolveTrainingImageUri(image: TrainingImageSpec, region: string): string {
  if ('uri' in image) return image.uri;
  const account = DLC_REGISTRY_ACCOUNTS[region];
  if (account === undefined) {
    throw new InputError('training job spec', 'training image', [
      {
        path: 'region',
        message: `no known Deep Learning Container registry for region "${region}"; give image.uri instead`,
      },
    ]);
  }
  const tag = `${image.pytorchVersion}-transformers${image.transformersVersion}-gpu-${image.pythonVersion}-${image.cudaVersion}-${image.os}`;
  return `${account}.dkr.ecr.${region}.${ecrDomain(region)}/${HF_TRAINING_REPOSITORY}:${tag}`;
}
