import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { AppError, type BlobStore } from '@perceptiq/platform';
import busboy from 'busboy';
import { HEAD_BYTES, HeadKeeper, sniffStored } from './extract/sniff.js';
import type { ReceivedFile } from './ingest-service.js';

const FILE_FIELDS = new Set(['files', 'file', 'files[]']);
/**
 * All files of one GraphQL upload together: they travel base64-encoded (4/3 of their size) in one
 * JSON body, and the subgraph takes bodies up to 8 MB.
 */
const MAX_ENCODED_UPLOAD_BYTES = 5 * 1024 * 1024;

export interface ReceiveOptions {
  blobs: BlobStore;
  maxFileBytes: number;
  maxFiles: number;
  /** Delete a stored blob unless a document uses it (the blob store is shared by content). */
  discard(sha256: string): Promise<void>;
}

/**
 * Stream a multipart upload into the blob store, one file at a time, never holding a whole file:
 * each file is hashed while it is written, its first bytes kept for type sniffing. Files refused on
 * arrival (empty, over the size limit, unsupported) come back with a `refusal` and leave no blob.
 */
export function receiveUpload(req: IncomingMessage, options: ReceiveOptions): Promise<ReceivedFile[]> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    return Promise.reject(new AppError('unsupported_media_type', 'Send the files as multipart/form-data, one `files` part each.'));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: options.maxFiles, fileSize: options.maxFileBytes, fields: 50, parts: options.maxFiles + 50 } });
    } catch {
      reject(new AppError('invalid_request', 'The multipart body could not be read (missing boundary?).'));
      return;
    }
    const pending: Array<Promise<ReceivedFile>> = [];
    let tooMany = false;

    parser.on('file', (field, stream, info) => {
      if (!FILE_FIELDS.has(field)) {
        stream.resume(); // not a file we were asked to take
        return;
      }
      pending.push(storeOne(stream, info.filename || 'upload', options));
    });
    parser.on('filesLimit', () => {
      tooMany = true;
    });
    parser.on('error', () => reject(new AppError('invalid_request', 'The multipart body is malformed.')));
    parser.on('close', () => {
      void Promise.all(pending).then(async (files) => {
        if (tooMany) {
          await Promise.all(files.filter((f) => !f.refusal).map((f) => options.discard(f.sha256)));
          throw tooManyFiles(options.maxFiles);
        }
        if (files.length === 0) throw new AppError('invalid_request', 'No files were sent: add one or more `files` parts.');
        return files;
      }).then(resolve, reject);
    });
    req.on('aborted', () => reject(new AppError('invalid_request', 'The upload was interrupted.')));
    req.pipe(parser);
  });
}

async function storeOne(stream: NodeJS.ReadableStream, filename: string, options: ReceiveOptions): Promise<ReceivedFile> {
  const head = new HeadKeeper();
  let size = 0;
  let truncated = false;
  const tee = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    size += chunk.length;
    head.add(chunk);
  });
  stream.on('limit', () => {
    truncated = true;
  });
  stream.pipe(tee);
  const { sha256 } = await options.blobs.put(tee);
  return classify(filename, sha256, size, truncated, head.head(), options);
}

const tooManyFiles = (maxFiles: number) =>
  new AppError('invalid_request', `At most ${maxFiles} files can be uploaded in one request.`, { max_files: maxFiles });

/**
 * The same limits for files that arrive base64-encoded in a GraphQL mutation: more files than a
 * multipart upload takes, or more bytes in all, refuse the whole request before anything is
 * decoded or stored; each file is then checked like a multipart file (over the size limit,
 * empty, unsupported: refused on arrival), one decoded at a time.
 */
export async function receiveEncoded(files: Array<{ filename: string; contentBase64: string }>, options: ReceiveOptions): Promise<ReceivedFile[]> {
  if (files.length === 0) throw new AppError('invalid_request', 'No files were sent.');
  if (files.length > options.maxFiles) throw tooManyFiles(options.maxFiles);
  const sizes = files.map((f) => Buffer.byteLength(f.contentBase64, 'base64'));
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const maxTotal = Math.min(MAX_ENCODED_UPLOAD_BYTES, options.maxFiles * options.maxFileBytes);
  if (total > maxTotal) {
    throw new AppError('payload_too_large', `The upload is larger than ${Math.round(maxTotal / (1024 * 1024))} MB in all; send larger uploads to POST /v1/upload.`, {
      max_total_bytes: maxTotal,
    });
  }
  const received: ReceivedFile[] = [];
  for (const [i, f] of files.entries()) {
    const declared = sizes[i]!;
    // An oversized file is refused by its decoded size, without decoding it.
    const tooLarge = declared > options.maxFileBytes;
    const bytes = tooLarge ? Buffer.alloc(0) : Buffer.from(f.contentBase64, 'base64');
    const { sha256 } = await options.blobs.put(bytes);
    received.push(await classify(f.filename, sha256, tooLarge ? declared : bytes.length, tooLarge, bytes.subarray(0, HEAD_BYTES), options));
  }
  return received;
}

async function classify(
  filename: string,
  sha256: string,
  size: number,
  truncated: boolean,
  head: Buffer,
  options: ReceiveOptions,
): Promise<ReceivedFile> {
  const name = filename.slice(0, 255) || 'upload';
  const refuse = async (refusal: AppError): Promise<ReceivedFile> => {
    await options.discard(sha256);
    return { filename: name, sha256, size, type: null, refusal };
  };
  if (truncated) return refuse(new AppError('payload_too_large', `${name} is larger than ${Math.round(options.maxFileBytes / (1024 * 1024))} MB.`));
  if (size === 0) return refuse(new AppError('invalid_request', `${name} is empty.`));
  const type = await sniffStored(head, size, name, () => options.blobs.read(sha256));
  if (!type) return refuse(new AppError('unsupported_media_type', `${name}: this file type is not supported.`));
  return { filename: name, sha256, size, type };
}
