/**
 * `@harnessx/core/aws`: the AWS adapters of the ports (S3, SQS, DynamoDB), the function environment
 * and the local stack. Kept apart from the root entry so that nothing else pulls in `@aws-sdk`.
 */
export * from './adapters/aws/index.ts';
