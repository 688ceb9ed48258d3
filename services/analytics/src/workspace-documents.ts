import { ListDocumentFacts, type DocumentFacts } from '@perceptiq/contracts';
import { documentTypes, type Bus, type Logger } from '@perceptiq/platform';

/** Documents per facts request: well inside what one bus message holds. */
const FACTS_PAGE = 500;
const TYPES_TIMEOUT_MS = 2_000;

/**
 * A client's documents as the other services know them: ingest's facts (archived ones included),
 * a page at a time, and the templates service's types. Analytics keeps no copy of either.
 */
export class WorkspaceDocuments {
  constructor(
    private readonly bus: Pick<Bus, 'request'>,
    private readonly logger: Logger,
  ) {}

  /** Every document of the client's, a page at a time in id order. */
  async *pages(clientId: string): AsyncGenerator<DocumentFacts[]> {
    let after: string | undefined;
    for (;;) {
      const reply = await this.bus.request(ListDocumentFacts, { client_id: clientId, include_archived: true, limit: FACTS_PAGE, ...(after ? { after } : {}) });
      if (reply.documents.length) yield reply.documents;
      if (!reply.next) return;
      after = reply.next;
    }
  }

  async all(clientId: string): Promise<DocumentFacts[]> {
    const all: DocumentFacts[] = [];
    for await (const page of this.pages(clientId)) all.push(...page);
    return all;
  }

  /** Document id → type (all of the client's, or the named ones); none when templates is unavailable. */
  types(clientId: string, docIds?: string[]): Promise<Record<string, string>> {
    return documentTypes(this.bus, this.logger, clientId, docIds, TYPES_TIMEOUT_MS);
  }

}
