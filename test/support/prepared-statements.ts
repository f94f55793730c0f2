import { jest } from '@jest/globals';
import { PreparedStatement } from '../../src/shared/database/prepared.js';

/** Runs `work` and answers the names of the prepared statements it ran, in order (each run as usual, only watched). */
export async function statementsRunBy(work: () => Promise<void>): Promise<string[]> {
  const rows = jest.spyOn(PreparedStatement.prototype, 'rows');
  try {
    await work();
    return rows.mock.contexts.map((c) => (c as PreparedStatement).name);
  } finally {
    rows.mockRestore();
  }
}
