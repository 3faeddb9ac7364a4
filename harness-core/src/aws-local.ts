/** `@harnessx/core/aws-local`: emulators, the local stack and trace upload (see adapters/aws/local.ts). */
export * from './adapters/aws/local.ts';
