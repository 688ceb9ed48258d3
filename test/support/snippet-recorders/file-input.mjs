// Preloaded (node --import) before the page's browser sample, which sends the file a user picked in
// an <input type="file"> (`fileInput.files[0]`): here the picked file is $PUBLISHED_PAGE_FILE, from disk.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const path = process.env.PUBLISHED_PAGE_FILE;
const type = path.endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream';
globalThis.fileInput = { files: [new File([readFileSync(path)], basename(path), { type })] };
