import { AppError, type Collection, type Store } from '@perceptiq/platform';
import type { TemplateSpec } from './engine/types.js';

/** A client's own template as stored: the spec, whose it is and when it was made. */
interface StoredTemplate {
  _id: string;
  client_id: string;
  spec: TemplateSpec;
  created_at: string;
  [key: string]: unknown;
}

/** Enough for any real catalogue of document kinds, and a bound on what ranking reads per call. */
export const MAX_CLIENT_TEMPLATES = 500;

export interface OwnTemplate {
  spec: TemplateSpec;
  created_at: string;
}

/** The templates clients made, each visible to its own client only (every query filters by client). */
export class ClientTemplates {
  private readonly templates: Collection<StoredTemplate>;

  constructor(store: Store) {
    this.templates = store.collection<StoredTemplate>('templates');
  }

  async init(): Promise<void> {
    await this.templates.createIndex({ keys: { client_id: 1 }, name: 'by_client' });
  }

  /** The client's templates, oldest first. Read from the store on each call (no cache), so every replica sees a change at once. */
  async list(clientId: string): Promise<OwnTemplate[]> {
    const rows = await this.templates.find({ client_id: clientId }, { sort: { created_at: 1 } }).toArray();
    return rows.map((r) => ({ spec: r.spec, created_at: r.created_at }));
  }

  async add(clientId: string, spec: TemplateSpec, createdAt: string): Promise<void> {
    if ((await this.templates.countDocuments({ client_id: clientId })) >= MAX_CLIENT_TEMPLATES) {
      throw new AppError('conflict', `A client can keep at most ${MAX_CLIENT_TEMPLATES} templates; delete one first.`, { limit: MAX_CLIENT_TEMPLATES });
    }
    await this.templates.insertOne({ _id: spec.template_id, client_id: clientId, spec, created_at: createdAt });
  }

  /** Whether the client had it (another client's template is as good as absent). */
  async remove(clientId: string, templateId: string): Promise<boolean> {
    const { deletedCount } = await this.templates.deleteOne({ _id: templateId, client_id: clientId });
    return deletedCount > 0;
  }
}
