// A local stand-in for API Gateway: turns each request into the Lambda event
// shape (lower-cased headers, body as a string) and a thrown error into 500.
import http from 'node:http';
import { handler } from './handler.mjs';

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const event = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), requestContext: { http: { method: req.method } } };
    try {
      const out = await handler(event);
      res.writeHead(out.statusCode, { 'content-type': 'text/plain' });
      res.end(out.body ?? '');
    } catch (e) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"message":"Internal Server Error"}');
    }
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
