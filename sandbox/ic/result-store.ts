/** What IC holds after result PUTs: one result per sourcedId, replaced (never duplicated) by a new PUT. */
import type { IcStoredResult } from './types.ts';

export interface StoredResult {
  sourcedId: string;
  lineItemSourcedId: string;
  /** 1.2 form, whatever the mode it was written through. */
  studentSourcedId: string;
  classSourcedId?: string;
  score?: number;
  textScore?: string;
  scoreStatus?: string;
  scoreDate: string;
  comment?: string;
  metadata?: Record<string, unknown>;
  dateLastModified: string;
  writes: number;
}

export class ResultStore {
  readonly #results = new Map<string, StoredResult>();

  get(sourcedId: string): StoredResult | undefined {
    return this.#results.get(sourcedId);
  }

  /** Stores the result; true when it is new (201), false when it replaced one (200). */
  put(result: Omit<StoredResult, 'writes'>): boolean {
    const previous = this.#results.get(result.sourcedId);
    this.#results.set(result.sourcedId, { ...result, writes: (previous?.writes ?? 0) + 1 });
    return previous === undefined;
  }

  all(): StoredResult[] {
    return [...this.#results.values()].sort((a, b) => (a.sourcedId < b.sourcedId ? -1 : a.sourcedId > b.sourcedId ? 1 : 0));
  }

  /** The read-back view of the contract. */
  readBack(): IcStoredResult[] {
    return this.all().map((r) => {
      const scoreGrade = r.metadata?.['ext_infiniteCampus_scoreGrade'];
      return {
        sourcedId: r.sourcedId,
        lineItemSourcedId: r.lineItemSourcedId,
        studentSourcedId: r.studentSourcedId,
        ...(r.classSourcedId !== undefined ? { classSourcedId: r.classSourcedId } : {}),
        ...(r.score !== undefined ? { score: r.score } : {}),
        ...(r.textScore !== undefined ? { textScore: r.textScore } : {}),
        ...(typeof scoreGrade === 'string' ? { scoreGrade } : {}),
        ...(r.scoreStatus !== undefined ? { scoreStatus: r.scoreStatus } : {}),
        scoreDate: r.scoreDate,
        ...(r.comment !== undefined ? { comment: r.comment } : {}),
        writes: r.writes,
      };
    });
  }
}
