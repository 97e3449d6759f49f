// The SDK's standard retries, with a budget of their own for each read of the policy.
//
// The SDK's StandardRetryStrategy keeps one retry budget per client: each retry after a 5xx
// or a lost connection spends 14 of its 500 tokens, one after throttling 5, and a read that
// succeeds first time gives back 1. The function keeps one client for the life of an
// instance, so some minutes of SSM faults would leave a warm instance with no retries while
// a cold start beside it still has them: the two would answer differently for the same SSM
// (a 503 from one, the version from the other). An instance reads at most once a second
// (the shortest TTL), so the budget guards against no retry storm here; each read gets one,
// as a cold start's first read does, and otherwise the SDK's own strategy decides.
import { StandardRetryStrategy } from '@smithy/core/retry';

type Token = Awaited<ReturnType<StandardRetryStrategy['acquireInitialRetryToken']>>;
type ErrorInfo = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[1];

export class RetriesPerRead {
  /** Read by the SDK for its User-Agent's features, which stay what they were. */
  readonly mode = 'standard';
  readonly #maxAttempts: number;
  /** The strategy that gave each token: one per read, forgotten with the read. */
  readonly #strategies = new WeakMap<Token, StandardRetryStrategy>();

  constructor(maxAttempts: number) {
    this.#maxAttempts = maxAttempts;
  }

  async acquireInitialRetryToken(scope: string): Promise<Token> {
    const strategy = new StandardRetryStrategy(this.#maxAttempts);
    return this.#remember(await strategy.acquireInitialRetryToken(scope), strategy);
  }

  async refreshRetryTokenForRetry(token: Token, errorInfo: ErrorInfo): Promise<Token> {
    const strategy = this.#strategyOf(token);
    return this.#remember(await strategy.refreshRetryTokenForRetry(token, errorInfo), strategy);
  }

  recordSuccess(token: Token): void {
    this.#strategyOf(token).recordSuccess(token);
  }

  #remember(token: Token, strategy: StandardRetryStrategy): Token {
    this.#strategies.set(token, strategy);
    return token;
  }

  #strategyOf(token: Token): StandardRetryStrategy {
    const strategy = this.#strategies.get(token);
    if (!strategy) throw new Error('a retry token this strategy did not give');
    return strategy;
  }
}
