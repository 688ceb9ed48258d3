import {
  DocumentArchived,
  DocumentDeleted,
  ProcessDocument,
  type DocumentStatus,
  type JobOf,
} from '@perceptiq/contracts';
import { AppError, newId, type BlobStore, type Bus, type Logger, type WorkQueue } from '@perceptiq/platform';
import { queuedDocument, type DocumentRecord, type DocumentRepository } from './documents.js';
import type { DetectedType } from './extract/types.js';
import type { PageRepository } from './pages.js';

/** A file of an upload once its bytes are stored (or refused on arrival). */
export interface ReceivedFile {
  filename: string;
  sha256: string;
  size: number;
  /** Null when the bytes are of no supported type. */
  type: DetectedType | null;
  /** Set when the file was refused on arrival (empty, too large, unsupported). */
  refusal?: AppError;
}

export interface UploadedDocument {
  doc_id: string | null;
  filename: string;
  status: 'queued' | 'duplicate' | 'rejected';
  sha256: string | null;
  duplicate_of?: string;
  error?: { code: string; message: string };
}

export interface UploadAnswer {
  batch_id: string;
  documents: UploadedDocument[];
}

export interface IngestServiceDeps {
  docs: DocumentRepository;
  pages: PageRepository;
  blobs: BlobStore;
  bus: Bus;
  queue: WorkQueue<JobOf<typeof ProcessDocument>>;
  logger: Logger;
  now?: () => number;
}

/**
 * The library of a client's documents: accepting uploads (dedupe, archive on merge=false, enqueue),
 * and deleting, restoring and retrying. Every method takes the client id and every query filters
 * by it; another client's id is `not_found`.
 */
export class IngestService {
  private readonly now: () => number;

  constructor(private readonly deps: IngestServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Record the files of one upload. Duplicates of bytes the client already has are answered with
   * the earlier document; accepted files become `queued` documents with a processing job each.
   * With `merge=false` the client's active documents are archived first (never deleted).
   */
  async acceptUpload(clientId: string, files: ReceivedFile[], merge: boolean): Promise<UploadAnswer> {
    const batchId = newId('batch');
    const answers: UploadedDocument[] = [];
    const accepted: Array<{ record: DocumentRecord; index: number }> = [];
    const seen = new Map<string, string>(); // the same bytes twice in one upload: the second is a duplicate
    for (const file of files) {
      if (file.refusal || !file.type) {
        const error = file.refusal ?? new AppError('unsupported_media_type', `${file.filename}: this file type is not supported.`);
        answers.push({ doc_id: null, filename: file.filename, status: 'rejected', sha256: file.size ? file.sha256 : null, error: { code: error.code, message: error.message } });
        continue;
      }
      const earlier = seen.get(file.sha256) ?? (await this.deps.docs.findBySha(clientId, file.sha256))?._id;
      if (earlier) {
        answers.push({ doc_id: earlier, filename: file.filename, status: 'duplicate', sha256: file.sha256, duplicate_of: earlier });
        continue;
      }
      const record = this.newRecord(clientId, batchId, file);
      seen.set(file.sha256, record._id);
      accepted.push({ record, index: answers.length });
      answers.push({ doc_id: record._id, filename: file.filename, status: 'queued', sha256: file.sha256 });
    }
    if (accepted.length && !merge) await this.archiveActive(clientId);
    for (const { record } of accepted) {
      await this.deps.docs.insert(record);
      await this.deps.queue.enqueue({ doc_id: record._id, client_id: clientId }, { jobId: record._id });
    }
    return { batch_id: batchId, documents: answers };
  }

  async delete(clientId: string, docId: string): Promise<{ doc_id: string; deleted: true }> {
    const doc = await this.deps.docs.get(clientId, docId);
    await this.deps.pages.removeDocument(clientId, docId);
    await this.deps.docs.remove(clientId, docId);
    if (!(await this.deps.docs.blobInUse(doc.sha256))) await this.deps.blobs.delete(doc.sha256);
    await this.announce(() => this.deps.bus.publish(DocumentDeleted, { doc_id: docId, client_id: clientId, at: this.iso() }));
    return { doc_id: docId, deleted: true };
  }

  async restore(clientId: string, docId: string): Promise<DocumentRecord> {
    const doc = await this.deps.docs.get(clientId, docId);
    if (!doc.archived) return doc;
    await this.deps.docs.update(clientId, docId, { archived: false });
    await this.announce(() => this.deps.bus.publish(DocumentArchived, { doc_id: docId, client_id: clientId, archived: false, at: this.iso() }));
    return { ...doc, archived: false };
  }

  /** Only a failed document can be retried; it is read again from its stored bytes, keeping the pages already stored. */
  async retry(clientId: string, docId: string): Promise<DocumentRecord> {
    const doc = await this.deps.docs.get(clientId, docId);
    if (doc.status !== 'failed') {
      throw new AppError('conflict', `Only a failed document can be retried; this one is ${doc.status}.`, { status: doc.status });
    }
    const reset = { status: 'queued' as DocumentStatus, stage: 'queued' as DocumentStatus, error: null, pages_done: 0 };
    await this.deps.docs.update(clientId, docId, reset);
    await this.deps.queue.enqueue({ doc_id: docId, client_id: clientId }, { jobId: `${docId}:retry:${this.now()}` });
    return { ...doc, ...reset };
  }

  private async archiveActive(clientId: string): Promise<void> {
    const archived = await this.deps.docs.archiveActive(clientId);
    for (const docId of archived) {
      await this.announce(() => this.deps.bus.publish(DocumentArchived, { doc_id: docId, client_id: clientId, archived: true, at: this.iso() }));
    }
  }

  private newRecord(clientId: string, batchId: string, file: ReceivedFile): DocumentRecord {
    return queuedDocument({
      _id: newId('document'),
      client_id: clientId,
      batch_id: batchId,
      filename: file.filename,
      mime_type: file.type!.mime,
      size_bytes: file.size,
      sha256: file.sha256,
      created_at: this.iso(),
    });
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Events follow a change already stored: a lost event is logged, the change stands. */
  private async announce(publish: () => Promise<void>): Promise<void> {
    try {
      await publish();
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'could not publish a document event');
    }
  }
}
