// Uploads one file to a fieldbrief portal with tus-js-client under Node.
// Usage: node upload.js PORTAL_URL TOKEN FILE SHA256
// Prints the upload URL on success; exits 1 with the error otherwise.
'use strict';
const fs = require('fs');
const tus = require('tus-js-client');

const [portal, token, file, sha256] = process.argv.slice(2);
const data = fs.readFileSync(file);
const upload = new tus.Upload(data, {
  endpoint: portal + '/api/v1/uploads/',
  headers: { Authorization: 'Bearer ' + token },
  metadata: { sha256: sha256, filename: 'tusjs.bin' },
  chunkSize: 64 * 1024,
  retryDelays: [0, 100, 500],
  onError(err) {
    console.error('upload failed: ' + err);
    process.exit(1);
  },
  onSuccess() {
    console.log(upload.url);
  },
});
upload.start();
