/**
 * The QuickJS sandbox layer: `quickjs-emscripten` and the `@jitl/*` WebAssembly packages it loads,
 * under `nodejs/node_modules/` where the Node runtime finds them. Bundled locally by copying the
 * installed packages (never Docker); the versions come from `layers/quickjs-sandbox/package.json`
 * and must match what is installed, so the layer ships exactly what the tests ran against.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SystemError } from '@harnessx/core';
import { AssetHashType } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { z } from 'zod';
import { copyPackages, type InstalledPackage, packageClosure } from '../package-closure.ts';
import { parseInput } from '../parse-input.ts';

/** Where the layer's declaration lives, relative to the repository root. */
export const QUICKJS_LAYER_DIR = 'layers/quickjs-sandbox';

const layerManifestSchema = z.object({
  dependencies: z.record(z.string().min(1), z.string().regex(/^\d+\.\d+\.\d+$/, 'expected an exact version')),
});

export interface QuickJsSandboxLayerProps {
  /** Repository root holding `layers/quickjs-sandbox/` and the installed `node_modules/`. */
  readonly repositoryRoot: string;
}

/** The packages the layer ships, checked against the versions its package.json pins. */
export function quickJsLayerPackages(repositoryRoot: string): InstalledPackage[] {
  const manifestPath = join(repositoryRoot, QUICKJS_LAYER_DIR, 'package.json');
  const manifest = parseInput(
    layerManifestSchema,
    JSON.parse(readFileSync(manifestPath, 'utf8')),
    'layer manifest',
    manifestPath,
  );
  const packages = packageClosure(Object.keys(manifest.dependencies), repositoryRoot);
  for (const [name, pinned] of Object.entries(manifest.dependencies)) {
    const installed = packages.find((pkg) => pkg.name === name);
    if (installed?.version !== pinned) {
      throw new SystemError(
        `${manifestPath} pins ${name}@${pinned} but ${installed?.version ?? 'nothing'} is installed; align the versions`,
        { code: 'INFRA_LAYER_VERSION_MISMATCH' },
      );
    }
  }
  return packages;
}

export class QuickJsSandboxLayer extends Construct {
  readonly layer: LayerVersion;
  /** `name@version` of every package in the layer. */
  readonly packages: readonly string[];

  constructor(scope: Construct, id: string, props: QuickJsSandboxLayerProps) {
    super(scope, id);
    const packages = quickJsLayerPackages(props.repositoryRoot);
    const roots = packages
      .filter((pkg) => !pkg.name.startsWith('@jitl/'))
      .map((p) => `${p.name}@${p.version}`);
    this.packages = packages.map((pkg) => `${pkg.name}@${pkg.version}`);
    this.layer = new LayerVersion(this, 'Layer', {
      description: `QuickJS sandbox for evolved code processors: ${roots.join(', ')}`,
      compatibleRuntimes: [Runtime.NODEJS_24_X],
      // WebAssembly and JavaScript only: the same bytes run on either architecture.
      compatibleArchitectures: [Architecture.ARM_64, Architecture.X86_64],
      code: Code.fromAsset(join(props.repositoryRoot, QUICKJS_LAYER_DIR), {
        // The content is the installed packages, so their versions are the hash (and the source
        // folder's README edits do not republish the layer).
        assetHashType: AssetHashType.CUSTOM,
        assetHash: createHash('sha256').update(this.packages.join('\n')).digest('hex'),
        bundling: {
          // Required by the API; never pulled, because local bundling always succeeds or throws.
          image: Runtime.NODEJS_24_X.bundlingImage,
          local: {
            tryBundle(outputDir: string): boolean {
              copyPackages(packages, join(outputDir, 'nodejs', 'node_modules'));
              return true;
            },
          },
        },
      }),
    });
  }
}
