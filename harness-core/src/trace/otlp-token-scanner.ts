/**
 * Finds the spans of OTLP/JSON requests in a token stream without materialising the document:
 * only each element of a `spans` array (and each `resource`) is built as a value; everything else
 * is skipped token by token. Reports the same paths and faults as `walkOtlpDocument`.
 *
 * Corrupt input: a syntax error in a document that sits on one line (JSON Lines) skips that line
 * and goes on; one in a document spanning several lines stops the scan, keeping what was read.
 */
import { JsonStreamTokenizer, JsonSyntaxError, type JsonToken } from './json-stream-tokenizer.ts';
import { JsonValueBuilder } from './json-value-builder.ts';
import {
  documentPrefix,
  EXPECTED_ARRAY,
  EXPECTED_OBJECT,
  NO_RESOURCE_SPANS,
  NOT_A_REQUEST,
  type OtlpSpanSink,
  RESOURCE_SPANS_KEYS,
  SCOPE_SPANS_KEYS,
} from './otlp-document.ts';
import { decodeResource, type SpanResource, type TraceReadIssue } from './span-record.ts';

type FrameKind =
  | 'requests'
  | 'request'
  | 'resource-spans-list'
  | 'resource-spans'
  | 'scope-spans-list'
  | 'scope-spans'
  | 'spans';

interface Frame {
  kind: FrameKind;
  /** Path of this container (or, for a request, its prefix). */
  path: string;
  index: number;
  key: string | undefined;
  keyCount: number;
  sawResourceSpans: boolean;
  resource: SpanResource | undefined;
}

const RESOURCE_SPANS = new Set<string>(RESOURCE_SPANS_KEYS);
const SCOPE_SPANS = new Set<string>(SCOPE_SPANS_KEYS);

function trimPrefix(prefix: string): string {
  return prefix === '' ? '(root)' : prefix.replace(/[.:]\s*$/, '');
}

export class OtlpTokenScanner {
  private readonly tokenizer = new JsonStreamTokenizer();
  private readonly frames: Frame[] = [];
  private skipDepth = 0;
  private builder: { value: JsonValueBuilder; done: (value: unknown) => void } | undefined;
  private documentLine = 1;
  private stopped = false;

  constructor(private readonly sink: OtlpSpanSink) {}

  write(chunk: string): void {
    if (this.stopped) return;
    this.tokenizer.write(chunk);
    this.pump();
  }

  end(): void {
    if (this.stopped) return;
    this.tokenizer.end();
    this.pump();
  }

  private pump(): void {
    for (;;) {
      let token: JsonToken | undefined;
      try {
        token = this.tokenizer.next();
      } catch (error) {
        if (!(error instanceof JsonSyntaxError)) throw error;
        this.recover(error);
        if (this.stopped) return;
        continue;
      }
      if (token === undefined) return;
      this.accept(token);
    }
  }

  private recover(error: JsonSyntaxError): void {
    const inDocument = this.frames.length > 0 || this.builder !== undefined || this.skipDepth > 0;
    const oneLine = !inDocument || this.documentLine === error.line;
    const reason = `not valid JSON: ${error.message}`;
    this.frames.length = 0;
    this.builder = undefined;
    this.skipDepth = 0;
    if (oneLine) {
      this.sink.issue({ path: `line ${error.line}`, reason });
      this.tokenizer.skipToNextLine();
      return;
    }
    this.sink.issue({ path: `line ${error.line}`, reason: `${reason}; the rest of the input was not read` });
    this.stopped = true;
  }

  private accept(token: JsonToken): void {
    if (this.builder !== undefined) {
      if (this.builder.value.push(token)) {
        const { value, done } = this.builder;
        this.builder = undefined;
        done(value.value);
      }
      return;
    }
    if (this.skipDepth > 0) {
      if (token.type === 'begin-object' || token.type === 'begin-array') this.skipDepth++;
      else if (token.type === 'end-object' || token.type === 'end-array') this.skipDepth--;
      return;
    }
    const frame = this.frames[this.frames.length - 1];
    if (token.type === 'end-object' || token.type === 'end-array') {
      if (frame !== undefined) this.close(frame);
      return;
    }
    if (token.type === 'key') {
      if (frame !== undefined) {
        frame.key = token.key;
        frame.keyCount++;
      }
      return;
    }
    if (frame === undefined) this.startDocument(token);
    else this.value(frame, token);
  }

  private push(kind: FrameKind, path: string, resource?: SpanResource): void {
    this.frames.push({
      kind,
      path,
      index: 0,
      key: undefined,
      keyCount: 0,
      sawResourceSpans: false,
      resource,
    });
  }

  /** Skips the value that starts with `token`. */
  private skip(token: JsonToken): void {
    if (token.type === 'begin-object' || token.type === 'begin-array') this.skipDepth = 1;
  }

  private build(token: JsonToken, done: (value: unknown) => void): void {
    const value = new JsonValueBuilder();
    if (value.push(token)) done(value.value);
    else this.builder = { value, done };
  }

  private startDocument(token: JsonToken): void {
    this.documentLine = this.tokenizer.tokenLine;
    const prefix = documentPrefix(this.documentLine);
    if (token.type === 'begin-object') this.push('request', prefix);
    else if (token.type === 'begin-array') this.push('requests', prefix);
    else this.sink.issue({ path: trimPrefix(prefix), reason: NOT_A_REQUEST });
  }

  /** A keyed value may be null (protojson's "absent"); an array element may not. */
  private expectContainer(
    token: JsonToken,
    type: 'begin-object' | 'begin-array',
    path: string,
    allowNull = type === 'begin-array',
  ): boolean {
    if (token.type === type) return true;
    const nullValue = token.type === 'scalar' && token.value === null;
    if (!(nullValue && allowNull))
      this.sink.issue({ path, reason: type === 'begin-array' ? EXPECTED_ARRAY : EXPECTED_OBJECT });
    this.skip(token);
    return false;
  }

  /** A value inside `frame`: an array element, or the value of `frame.key`. */
  private value(frame: Frame, token: JsonToken): void {
    switch (frame.kind) {
      case 'requests': {
        const prefix = `${frame.path}[${frame.index++}].`;
        if (token.type === 'begin-object') this.push('request', prefix);
        else {
          this.sink.issue({ path: trimPrefix(prefix), reason: NOT_A_REQUEST });
          this.skip(token);
        }
        return;
      }
      case 'request':
        if (frame.key !== undefined && RESOURCE_SPANS.has(frame.key) && !frame.sawResourceSpans) {
          frame.sawResourceSpans = !(token.type === 'scalar' && token.value === null);
          const path = `${frame.path}resourceSpans`;
          if (this.expectContainer(token, 'begin-array', path)) this.push('resource-spans-list', path);
        } else this.skip(token);
        return;
      case 'resource-spans-list': {
        const path = `${frame.path}[${frame.index++}]`;
        if (this.expectContainer(token, 'begin-object', path))
          this.push('resource-spans', path, { attributes: new Map() });
        return;
      }
      case 'resource-spans':
        this.resourceSpansValue(frame, token);
        return;
      case 'scope-spans-list': {
        const path = `${frame.path}[${frame.index++}]`;
        if (this.expectContainer(token, 'begin-object', path)) this.push('scope-spans', path, frame.resource);
        return;
      }
      case 'scope-spans':
        if (frame.key === 'spans') {
          const path = `${frame.path}.spans`;
          if (this.expectContainer(token, 'begin-array', path)) this.push('spans', path, frame.resource);
        } else this.skip(token);
        return;
      case 'spans': {
        const path = `${frame.path}[${frame.index++}]`;
        const resource = frame.resource ?? { attributes: new Map() };
        this.build(token, (raw) => this.sink.span(raw, path, resource));
        return;
      }
    }
  }

  private resourceSpansValue(frame: Frame, token: JsonToken): void {
    const resource = frame.resource ?? { attributes: new Map() };
    if (frame.key === 'resource') {
      this.build(token, (raw) => {
        // The resource may follow its spans in the document: fill the shared holder in place.
        const context = { issues: [] as TraceReadIssue[] };
        const decoded = decodeResource(raw, `${frame.path}.resource`, context);
        for (const [key, value] of decoded.attributes) resource.attributes.set(key, value);
        for (const issue of context.issues) this.sink.issue(issue);
      });
    } else if (frame.key !== undefined && SCOPE_SPANS.has(frame.key)) {
      const path = `${frame.path}.scopeSpans`;
      if (this.expectContainer(token, 'begin-array', path)) this.push('scope-spans-list', path, resource);
    } else this.skip(token);
  }

  private close(frame: Frame): void {
    this.frames.pop();
    if (frame.kind === 'request' && !frame.sawResourceSpans && frame.keyCount > 0) {
      this.sink.issue({ path: `${frame.path}resourceSpans`, reason: NO_RESOURCE_SPANS });
    }
  }
}
