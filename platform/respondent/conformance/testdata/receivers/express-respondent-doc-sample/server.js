// Respondent's published verification sample in an Express app: it parses
// the body with express.json() and signs JSON.stringify(req.body) (a
// re-serialisation), takes the algorithm from the header's label and hands it
// to crypto.createHmac (an unknown name throws: Express answers 500), and
// splits the header at the first '=' without checking it is there (a
// missing one throws too).
const crypto = require('crypto');
const express = require('express');

const privateKey = process.env.SECRET;
const app = express();
app.use(express.json());

app.post('/webhook', (req, res) => {
  const header = req.headers['respondent-webhook-signature'];
  const at = header.indexOf('=');
  const algorithm = header.slice(0, at);
  const signature = header.slice(at + 1);
  const expected = crypto.createHmac(algorithm, privateKey).update(JSON.stringify(req.body)).digest('base64');
  if (signature !== expected) {
    return res.status(401).send('invalid signature');
  }
  res.status(200).send('ok');
});

// Express's default error handler answers 500 with a stack page; keep it quiet.
app.use((err, req, res, next) => res.status(err.status && err.status < 500 ? err.status : 500).send('error'));
app.listen(Number(process.env.PORT), '127.0.0.1');
