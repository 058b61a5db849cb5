import { MAX_RESULTS_PER_PAGE } from './constants.js';

export interface PlannedPage {
  /** 1-based, as the API counts. */
  page: number;
  /** Users kept from this page (the last page may keep fewer than it asks for). */
  take: number;
}

export interface FetchPlan {
  /** `results` on every request: the same for all pages, so that page N is the same users on a rerun. */
  resultsPerPage: number;
  pages: PlannedPage[];
}

export interface FetchPlanInput {
  count: number;
  batchSize: number;
  /** Explicit page size; unset: min(count, batchSize, 5000). */
  resultsPerPage?: number | undefined;
}

/**
 * Which pages to fetch for `count` users: R = min(count, page size or batch size, 5000) per page,
 * ceil(count / R) pages. Every request asks for R results (the last page is cut to what is left),
 * so the same seed and the same R always give the same users.
 */
export function planPages({ count, batchSize, resultsPerPage }: FetchPlanInput): FetchPlan {
  for (const [name, value] of Object.entries({ count, batchSize, resultsPerPage: resultsPerPage ?? 1 })) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  const perPage = Math.min(count, resultsPerPage ?? batchSize, MAX_RESULTS_PER_PAGE);
  const pageCount = Math.ceil(count / perPage);
  const pages: PlannedPage[] = [];
  for (let i = 0; i < pageCount; i++) pages.push({ page: i + 1, take: Math.min(perPage, count - i * perPage) });
  return { resultsPerPage: perPage, pages };
}
