// A correct Respondent receiver in Express: the HMAC is computed over the raw
// bytes (express.raw), only sha256 and sha512 are accepted, the comparison is
// constant-time with a length check, every authentication failure is a 401,
// and every event type is acknowledged.
const crypto = require('crypto');
const express = require('express');

const privateKey = process.env.SECRET;
const app = express();
app.use(express.raw({ type: '*/*' }));

const ALGORITHMS = new Set(['sha256', 'sha512']);

function verified(header, raw) {
  if (typeof header !== 'string') return false;
  const i = header.indexOf('=');
  if (i < 0) return false;
  const alg = header.slice(0, i);
  if (!ALGORITHMS.has(alg)) return false;
  const got = Buffer.from(header.slice(i + 1), 'base64');
  const want = crypto.createHmac(alg, privateKey).update(raw).digest();
  return got.length === want.length && crypto.timingSafeEqual(got, want);
}

app.post('/webhook', (req, res) => {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (!verified(req.get('Respondent-Webhook-Signature'), raw)) {
    return res.status(401).send('unauthorized');
  }
  let event;
  try {
    event = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    return res.status(400).send('bad body');
  }
  // Queue the event for a worker; acknowledge every type, known or not.
  res.status(200).json({ received: event.event });
});

app.listen(Number(process.env.PORT), '127.0.0.1');
