import { describe, expect, it } from 'vitest';
import { awsUriEncode, formatAmzDate, signAwsRequest } from './aws-sigv4.ts';

// The credentials, date, region and service of the published AWS SigV4 test suite.
const suite = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  service: 'service',
  date: new Date('2015-08-30T12:36:00Z'),
};
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('signAwsRequest', () => {
  it('reproduces the test suite vector get-vanilla exactly', () => {
    const signed = signAwsRequest({ ...suite, method: 'GET', url: 'https://example.amazonaws.com/' });
    expect(signed.canonicalRequest).toBe(
      [
        'GET',
        '/',
        '',
        'host:example.amazonaws.com',
        'x-amz-date:20150830T123600Z',
        '',
        'host;x-amz-date',
        EMPTY_SHA256,
      ].join('\n'),
    );
    expect(signed.stringToSign).toBe(
      'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n' +
        'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
    );
    expect(signed.headers['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        'SignedHeaders=host;x-amz-date, ' +
        'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    expect(signed.headers['x-amz-date']).toBe('20150830T123600Z');
  });

  it('reproduces post-vanilla and get-vanilla-query-order-key-case', () => {
    expect(
      signAwsRequest({ ...suite, method: 'POST', url: 'https://example.amazonaws.com/' }).signature,
    ).toBe('5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b');
    expect(
      signAwsRequest({
        ...suite,
        method: 'GET',
        url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1',
      }).signature,
    ).toBe('b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
  });

  it("reproduces S3's documented GET Object example, which signs x-amz-content-sha256 and range", () => {
    const signed = signAwsRequest({
      method: 'GET',
      url: 'https://examplebucket.s3.amazonaws.com/test.txt',
      headers: { Range: 'bytes=0-9' },
      service: 's3',
      region: 'us-east-1',
      credentials: {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
      date: new Date('2013-05-24T00:00:00Z'),
      includeContentSha256Header: true,
    });
    expect(signed.headers['x-amz-content-sha256']).toBe(EMPTY_SHA256);
    expect(signed.headers['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('signs a session token and double-encodes path segments (a model id with a colon)', () => {
    const signed = signAwsRequest({
      ...suite,
      service: 'bedrock',
      credentials: { ...suite.credentials, sessionToken: 'token/with+chars' },
      method: 'POST',
      url: `https://bedrock-runtime.us-east-1.amazonaws.com/model/${encodeURIComponent('anthropic.claude-v2:1')}/converse`,
      body: '{}',
    });
    expect(signed.headers['x-amz-security-token']).toBe('token/with+chars');
    expect(signed.headers['authorization']).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token,');
    expect(signed.canonicalRequest.split('\n')[1]).toBe('/model/anthropic.claude-v2%253A1/converse');
    expect(
      signed.canonicalRequest.endsWith('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'),
    ).toBe(true);
  });

  it('changes the signature when the body changes', () => {
    const base = { ...suite, method: 'POST', url: 'https://example.amazonaws.com/' };
    expect(signAwsRequest({ ...base, body: '{"a":1}' }).signature).not.toBe(
      signAwsRequest({ ...base, body: '{"a":2}' }).signature,
    );
  });
});

describe('helpers', () => {
  it('formats the AWS date and encodes reserved characters', () => {
    expect(formatAmzDate(new Date('2024-02-29T01:02:03.456Z'))).toBe('20240229T010203Z');
    expect(awsUriEncode("a b*c'(d)!~_-.")).toBe('a%20b%2Ac%27%28d%29%21~_-.');
  });
});
