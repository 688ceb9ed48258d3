import type { DashboardMetrics } from '@perceptiq/contracts';
import { metricsReport, periodStart, type Period } from './metrics-report.js';
import type { ProcessingLog } from './processing-log.js';
import type { QuestionLog } from './question-log.js';
import type { UsageLedger } from './usage-ledger.js';
import type { WorkspaceDocuments } from './workspace-documents.js';

/** `GET /v1/dashboard/metrics`: what analytics recorded, with ingest's and templates' current word on the documents. */
export class Dashboard {
  constructor(
    private readonly deps: { usage: UsageLedger; processing: ProcessingLog; questions: QuestionLog; documents: WorkspaceDocuments; now?: () => Date },
  ) {}

  async metrics(clientId: string, period: Period): Promise<DashboardMetrics> {
    const now = this.deps.now?.() ?? new Date();
    const { fromIso, fromHour } = periodStart(period, now);
    const [documents, types, processing, usage, questions] = await Promise.all([
      this.deps.documents.all(clientId),
      this.deps.documents.types(clientId),
      this.deps.processing.since(clientId, fromIso),
      this.deps.usage.since(clientId, fromHour),
      this.deps.questions.times(clientId, fromIso),
    ]);
    return metricsReport({ period, now, documents, types, processing, usage, questions });
  }
}
