import type { GenerateTemplateBody } from '@perceptiq/contracts';
import { AppError, newId } from '@perceptiq/platform';
import type { ClientTemplates } from './client-templates.js';
import type { DocumentInput, PreparedInput } from './document-input.js';
import { fieldSpec, proposeFields } from './engine/index.js';
import type { FieldSpec, TemplateSpec } from './engine/types.js';

/**
 * A client's new template from a field list, a sample, or both. From a sample, every label → value
 * pair found becomes a typed field; fields given by name come first and win over proposed ones of
 * the same name.
 */
export class TemplateGenerator {
  constructor(
    private readonly own: ClientTemplates,
    private readonly inputs: DocumentInput,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async generate(clientId: string, body: GenerateTemplateBody): Promise<{ spec: TemplateSpec; created_at: string }> {
    const fields: FieldSpec[] = (body.fields ?? []).map((f) => ({
      ...fieldSpec(f.name, f.type, f.labels),
      required: f.required ?? false,
      ...(f.description ? { description: f.description } : {}),
    }));
    if (body.sample) {
      const proposed = proposeFields((await this.sample(clientId, body.sample)).input);
      const named = new Set(fields.map((f) => f.name));
      fields.push(...proposed.filter((f) => !named.has(f.name)));
      if (!fields.length) {
        throw new AppError('invalid_request', 'The sample holds no label → value pairs to make fields of: give `fields` as well.', { field: 'sample' });
      }
    }
    const spec: TemplateSpec = {
      template_id: newId('template'),
      name: body.name,
      doc_type: body.doc_type ?? null,
      builtin: false,
      // The client's own wording of the document's kind identifies it, as the built-ins' anchors do.
      anchors: [body.name, ...(body.doc_type ? [body.doc_type.replace(/_/g, ' ')] : [])],
      fields,
    };
    const created_at = this.now().toISOString();
    await this.own.add(clientId, spec, created_at);
    return { spec, created_at };
  }

  private sample(clientId: string, sample: NonNullable<GenerateTemplateBody['sample']>): Promise<PreparedInput> {
    if ('doc_id' in sample) return this.inputs.fromDocument(clientId, sample.doc_id);
    if ('ocr_tokens' in sample) return this.inputs.fromPayload(clientId, { ocr_tokens: sample.ocr_tokens, document_text: '', document_images: [], page_size: sample.page_size });
    return this.inputs.fromPayload(clientId, { ocr_tokens: [], document_text: sample.document_text, document_images: [] });
  }
}
