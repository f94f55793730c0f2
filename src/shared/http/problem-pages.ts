/**
 * Problems as pages, for a person's browser (an address with no page behind it, say): provided by
 * the people module with its page frame. Without a provider every problem is problem+json, and a
 * system (anything not asking for HTML) always gets problem+json.
 */
export abstract class ProblemPages {
  /** Sends the page for a problem on `reply`: status, headers (the pages' CSP, no-store) and body. */
  abstract send(reply: unknown, problem: { status: number; title: string; detail: string; retryAfter?: number }): void;
}

/** Whether `req` is a person's browser asking for a page (a navigation or a form post), not a system. */
export function wantsPage(req: { method?: string; headers?: Record<string, string | string[] | undefined> }): boolean {
  const accept = String(req.headers?.accept ?? '');
  return (req.method === 'GET' || req.method === 'POST') && /(^|[\s,])text\/html\b/i.test(accept);
}
