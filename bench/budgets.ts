/** A limit the benchmark holds the handler to: `value` must not exceed `limit`. */
export interface Budget {
  name: string;
  value: number;
  limit: number;
}

export interface Verdict extends Budget {
  ok: boolean;
}

/** NaN (a figure that could not be measured) fails its budget rather than passing it. */
export function checkBudgets(budgets: readonly Budget[]): Verdict[] {
  return budgets.map((budget) => ({ ...budget, ok: budget.value <= budget.limit }));
}
