import { AppError } from '@perceptiq/platform';
import { builtinTemplates } from './engine/index.js';
import type { ClientTemplates } from './client-templates.js';
import type { TemplateSpec } from './engine/types.js';

export interface ListedTemplate {
  spec: TemplateSpec;
  /** Null for built-ins. */
  created_at: string | null;
}

/** What one client can use: the built-ins, then its own templates. */
export class Catalog {
  constructor(private readonly own: ClientTemplates) {}

  isBuiltin(templateId: string): boolean {
    return builtinTemplates().some((t) => t.template_id === templateId);
  }

  async list(clientId: string): Promise<ListedTemplate[]> {
    const own = await this.own.list(clientId);
    return [...builtinTemplates().map((spec) => ({ spec, created_at: null })), ...own];
  }

  async specs(clientId: string): Promise<TemplateSpec[]> {
    return (await this.list(clientId)).map((t) => t.spec);
  }

  /** The client's templates, checking that `templateId`, when given, is one of them (`404` otherwise, another client's included). */
  async specsWith(clientId: string, templateId: string | undefined): Promise<TemplateSpec[]> {
    const specs = await this.specs(clientId);
    if (templateId !== undefined && !specs.some((t) => t.template_id === templateId)) {
      throw new AppError('not_found', `Template ${templateId} was not found.`, { field: 'template_id' });
    }
    return specs;
  }
}
