// A serverless-style (AWS Lambda / API Gateway v2) Respondent handler, the
// way TypeScript handlers are written once compiled: it gets the event with
// lower-cased header names and the raw body string. It pins sha256 and
// ignores the header's label (safe: any other label just fails to verify),
// but it throws on an event type it has no handler for, which the platform
// turns into a 500.
import crypto from 'node:crypto';

const handlers = {
  'PROJECTS.UPDATED': async () => {},
  'SCREENER_RESPONSES.CREATED': async () => {},
  'SCREENER_RESPONSES.UPDATED': async () => {},
  'MESSAGES.CREATED': async () => {},
  'CONVERSATIONS.CREATED': async () => {},
};

export async function handler(event) {
  const header = event.headers['respondent-webhook-signature'] ?? '';
  const signature = header.slice(header.indexOf('=') + 1);
  const expected = crypto.createHmac('sha256', process.env.SECRET).update(event.body).digest('base64');
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
    return { statusCode: 401, body: 'unauthorized' };
  }
  const body = JSON.parse(event.body);
  const handle = handlers[body.event];
  if (!handle) {
    throw new Error(`no handler for ${body.event}`);
  }
  await handle(body);
  return { statusCode: 200, body: '' };
}
