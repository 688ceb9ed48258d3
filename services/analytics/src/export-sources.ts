import { ListExtractions } from '@perceptiq/contracts';
import type { Bus } from '@perceptiq/platform';
import { tagNames, type DocumentTags } from './document-tags.js';
import type { ExportKind, ExportRow } from './export/index.js';
import type { QuestionLog } from './question-log.js';
import type { WorkspaceDocuments } from './workspace-documents.js';

/** Rows read from the owners a page at a time: however large the workspace, one page is in memory. */
const PAGE = 200;

/**
 * The rows of an export, one kind at a time, each from the service that owns it: documents from
 * ingest (with templates' types and analytics' own tags), extractions from templates, questions
 * and tags from analytics. Only the caller's own: every source is asked for one client.
 */
export class ExportSources {
  constructor(private readonly deps: { bus: Pick<Bus, 'request'>; workspace: WorkspaceDocuments; tags: DocumentTags; questions: QuestionLog }) {}

  rows(clientId: string, kind: ExportKind): AsyncGenerator<ExportRow> {
    switch (kind) {
      case 'documents':
        return this.documents(clientId);
      case 'extractions':
        return this.extractions(clientId);
      case 'questions':
        return this.questionRows(clientId);
      case 'tags':
        return this.tagRows(clientId);
    }
  }

  private async *documents(clientId: string): AsyncGenerator<ExportRow> {
    const { workspace, tags } = this.deps;
    for await (const page of workspace.pages(clientId)) {
      const ids = page.map((d) => d.doc_id);
      const [types, tagged] = await Promise.all([workspace.types(clientId, ids), tags.some(clientId, ids)]);
      for (const d of page) {
        const own = tagged.get(d.doc_id);
        yield {
          doc_id: d.doc_id,
          filename: d.filename,
          status: d.status,
          doc_type: types[d.doc_id] ?? null,
          pages: d.page_count,
          language: own?.language ?? null,
          tags: tagNames(own),
          archived: d.archived,
          created_at: d.created_at,
        };
      }
    }
  }

  private async *extractions(clientId: string): AsyncGenerator<ExportRow> {
    let after: string | undefined;
    do {
      const reply = await this.deps.bus.request(ListExtractions, { client_id: clientId, limit: PAGE, ...(after ? { after } : {}) });
      for (const e of reply.items) {
        for (const f of e.fields) {
          yield {
            doc_id: e.doc_id,
            template_id: e.template_id,
            template_name: e.template_name,
            doc_type: e.doc_type,
            field: f.name,
            value: f.value,
            normalized: f.normalized ?? null,
            confidence: f.confidence,
            page: f.page,
            extracted_at: e.extracted_at,
          };
        }
      }
      after = reply.next ?? undefined;
    } while (after);
  }

  private async *questionRows(clientId: string): AsyncGenerator<ExportRow> {
    let after: string | undefined;
    for (;;) {
      const page = await this.deps.questions.page(clientId, after, PAGE);
      for (const q of page) {
        yield { question_id: q._id, doc_id: q.doc_ids.length === 1 ? q.doc_ids[0] : null, doc_ids: q.doc_ids, question: q.question, answer: q.answer, found: q.found, mode: q.mode, confidence: q.confidence, asked_at: q.at };
      }
      if (page.length < PAGE) return;
      after = page[page.length - 1]!._id;
    }
  }

  private async *tagRows(clientId: string): AsyncGenerator<ExportRow> {
    let after: string | undefined;
    for (;;) {
      const page = await this.deps.tags.page(clientId, after, PAGE);
      for (const t of page) {
        for (const tag of t.tags) {
          yield { doc_id: t._id, doc_type: t.doc_type, language: t.language, tag: tag.tag, category: tag.category, confidence: tag.confidence, tagged_at: t.tagged_at };
        }
      }
      if (page.length < PAGE) return;
      after = page[page.length - 1]!._id;
    }
  }
}
