/** The OpenAPI 3.1 document served at /v1/openapi.json, built from the same zod schemas the API checks with. */
import { z } from 'zod';
import { EcrErrorBody, EcrResult, PaymentRequest, RefundRequest, VoidRequest } from './types.js';

/** OpenAPI 3.1 schemas are JSON Schema 2020-12 (zod's default target), without the $schema key. */
const json = (schema: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
};
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const content = (name: string) => ({ 'application/json': { schema: ref(name) } });

export function openApiDocument(version: string): Record<string, unknown> {
  const result = (what: string) => ({
    '200': { description: `${what}: final`, content: content('EcrResult') },
    '202': {
      description: `${what}: in progress (poll GET or listen on /v1/events)`,
      content: content('EcrResult'),
    },
    '400': { description: 'Invalid request', content: content('EcrError') },
    '401': { description: 'Missing or wrong bearer token', content: content('EcrError') },
    '429': {
      description: 'Too many wrong bearer tokens from this address: wait Retry-After seconds',
      content: content('EcrError'),
    },
    '409': {
      description: 'Busy: another transaction is in progress; nothing created',
      content: content('EcrError'),
    },
    '422': { description: 'This ecrId was used for a different request', content: content('EcrError') },
  });
  const idParam = [{ name: 'ecrId', in: 'path', required: true, schema: { type: 'string', maxLength: 64 } }];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Counter Cashier ECR API',
      version,
      description:
        'A host POS hands the amount to the counter and gets the result back. The ecrId is the idempotency key. See docs/ecr.md.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        PaymentRequest: json(PaymentRequest),
        RefundRequest: json(RefundRequest),
        VoidRequest: json(VoidRequest),
        EcrResult: json(EcrResult),
        EcrError: json(EcrErrorBody),
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/payments': {
        post: {
          summary: 'Start a payment (same ecrId + same body = the same payment)',
          requestBody: { required: true, content: content('PaymentRequest') },
          responses: result('Payment'),
        },
      },
      '/v1/payments/{ecrId}': {
        get: {
          summary: 'Status of a payment (its original result once final)',
          parameters: idParam,
          responses: result('Payment'),
        },
      },
      '/v1/payments/{ecrId}/abort': {
        post: {
          summary: 'Abort a payment not yet sent (409 with the current state after that)',
          parameters: idParam,
          responses: result('Abort'),
        },
      },
      '/v1/refunds': {
        post: {
          summary:
            'Refund (part of) a paid payment; a manager approves on the counter unless API approval is allowed',
          requestBody: { required: true, content: content('RefundRequest') },
          responses: result('Refund'),
        },
      },
      '/v1/refunds/{ecrId}': {
        get: { summary: 'Status of a refund', parameters: idParam, responses: result('Refund') },
      },
      '/v1/refunds/{ecrId}/abort': {
        post: {
          summary: 'Withdraw a refund still awaiting approval',
          parameters: idParam,
          responses: result('Abort'),
        },
      },
      '/v1/voids': {
        post: {
          summary:
            'Void a paid payment of today; a manager approves on the counter unless API approval is allowed',
          requestBody: { required: true, content: content('VoidRequest') },
          responses: result('Void'),
        },
      },
      '/v1/voids/{ecrId}': {
        get: { summary: 'Status of a void', parameters: idParam, responses: result('Void') },
      },
      '/v1/voids/{ecrId}/abort': {
        post: {
          summary: 'Withdraw a void still awaiting approval',
          parameters: idParam,
          responses: result('Abort'),
        },
      },
      '/v1/events': {
        get: {
          summary: 'Server-sent events: one `payment` / `refund` / `void` event (data: EcrResult) per change',
          responses: { '200': { description: 'text/event-stream' } },
        },
      },
    },
  };
}
